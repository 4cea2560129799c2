// The page's own CSP meta tag says exactly what main/shared/csp.ts says, so the policy is kept
// in one place even though the HTML cannot import it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { APP_CSP, PAGE_META_CSP, PREVIEW_CSP } from '../../main/shared/csp.js';

test('renderer/index.html carries the shared page CSP; app and preview differ only in connect-src', async () => {
  const html = await readFile(new URL('../../renderer/index.html', import.meta.url), 'utf8');
  const meta = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html);
  assert.ok(meta, 'the page has a CSP meta tag');
  assert.equal(meta[1], PAGE_META_CSP);
  for (const policy of [APP_CSP, PREVIEW_CSP, PAGE_META_CSP]) {
    assert.doesNotMatch(policy, /unsafe-inline|unsafe-eval|https?:|\*/);
    assert.match(policy, /script-src 'self'/);
  }
  assert.equal(APP_CSP.replace("connect-src 'none'", "connect-src 'self'"), PREVIEW_CSP);
});
