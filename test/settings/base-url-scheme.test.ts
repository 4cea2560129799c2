// A PiecesOS address typed without its scheme ("localhost:39300") is taken as http:// — by the one
// rule the schema, the CLI, the window and discovery share (main/api/base-url.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkBaseUrl } from '../../main/api/base-url.js';
import { settingsPatch } from '../../main/settings/schema.js';
import { openSettings } from '../../main/settings/store.js';
import { runCliProcess } from '../helpers/cli.js';
import { withTempDir } from '../helpers/temp-dir.js';

test('an address without http:// gets it; other schemes and hosts are still refused with their reason', () => {
  const added: Array<[string, string]> = [
    ['localhost:39300', 'http://localhost:39300'],
    ['127.0.0.1:39300', 'http://127.0.0.1:39300'],
    ['  LOCALHOST:39300/  ', 'http://localhost:39300'],
    ['[::1]:39300', 'http://[::1]:39300'],
    ['localhost', 'http://localhost'],
  ];
  for (const [typed, url] of added) assert.deepEqual(checkBaseUrl(typed), { ok: true, url }, typed);
  const refused: Array<[string, RegExp]> = [
    ['192.168.1.9:39300', /loopback/],
    ['ftp://127.0.0.1', /http/],
    ['file:/etc/passwd', /http/],
    ['javascript:alert(1)', /http/],
    ['', /not a URL/],
    ['localhost:notaport', /http/],
  ];
  for (const [typed, why] of refused) {
    const r = checkBaseUrl(typed);
    assert.equal(r.ok, false, typed);
    if (!r.ok) assert.match(r.reason, why, `${typed}: ${r.reason}`);
  }
});

test('the settings store saves localhost:39300 as http://localhost:39300', () =>
  withTempDir('base-url-scheme', async (dir) => {
    assert.equal(settingsPatch.parse({ piecesOsUrl: 'localhost:39300' }).piecesOsUrl, 'http://localhost:39300');
    const s = openSettings({ configDir: dir });
    try {
      assert.equal((await s.update({ piecesOsUrl: 'localhost:39300' })).piecesOsUrl, 'http://localhost:39300');
      await s.flush();
      assert.equal(JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')).piecesOsUrl, 'http://localhost:39300');
    } finally {
      s.close();
    }
  }));

test('pieces-backup settings set piecesOsUrl localhost:39300 saves http://localhost:39300', () =>
  withTempDir('base-url-scheme-cli', async (dir) => {
    const r = await runCliProcess(['--config-dir', dir, 'settings', 'set', 'piecesOsUrl', 'localhost:39300']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')).piecesOsUrl, 'http://localhost:39300');
  }));
