// `pieces-backup list` for a person with a very long list: the table is built without spreading
// every row into one call (which overflowed the call stack above ~130,000 rows).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startEmulator } from '../../emulator/server.js';
import { runCliProcess } from '../helpers/cli.js';
import { withTempDir } from '../helpers/temp-dir.js';

test('list prints a table of 200,000 backups', { timeout: 180_000 }, () =>
  withTempDir('cli-200k', async (dir) => {
    const emu = await startEmulator({ port: 0, dataDir: join(dir, 'emu'), log: () => undefined });
    try {
      await emu.seed(200_000);
      // 200,000 rows take seconds, more on a busy machine: allow the test's own budget, not the usual 30 s.
      const r = await runCliProcess(['--url', emu.url, '--config-dir', join(dir, 'cfg'), '--timeout', '100', 'list'], {}, { killAfterMs: 110_000 });
      assert.equal(r.code, 0, r.stderr.slice(0, 2000));
      const lines = r.stdout.trimEnd().split('\n');
      assert.equal(lines.length, 200_001, 'a header and one line per backup');
      assert.match(lines[0]!, /^Created\s+Size\s+Device\s+Platform\s+Version\s+ID$/);
      // Columns line up: every ID starts where the header's does.
      const idAt = lines[0]!.indexOf('ID');
      for (const l of [lines[1]!, lines[100_000]!, lines.at(-1)!]) assert.match(l.slice(idAt), /^\S+_\d+$/, l);
    } finally {
      await emu.close();
    }
  }));
