import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeConnection, formatBytes, formatDate, formatDuration, platformName, relativeTime } from '../../renderer/format.js';
import { injectBridge, staticName } from '../../main/preview/static-files.js';
import { optionalInt } from '../../renderer/views/settings-form.js';

test('sizes read as people expect and bad numbers do not crash', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(1536), '1.5 KB');
  assert.equal(formatBytes(12_345_678), '12.3 MB');
  assert.equal(formatBytes(2_000_000), '2 MB');
  assert.equal(formatBytes(-1), '—');
  assert.equal(formatBytes(Number.NaN), '—');
  assert.equal(formatBytes(undefined), '—');
});

test('dates: unparsable text is shown as sent, relative times use the injected now', () => {
  assert.equal(formatDate('not a date'), 'not a date');
  assert.equal(formatDate(null), '—');
  const now = Date.parse('2026-11-27T12:00:00Z');
  assert.equal(relativeTime('2026-11-27T11:59:50Z', now), 'just now');
  assert.match(relativeTime('2026-11-27T09:00:00Z', now), /3 hours ago/);
  assert.match(relativeTime('2026-11-28T12:00:00Z', now), /tomorrow|in 1 day/);
  assert.equal(relativeTime('garbage', now), '');
  assert.equal(formatDuration('2026-11-27T12:00:00Z', '2026-11-27T12:03:05Z'), '3 min 5 s');
  assert.equal(formatDuration('x', 'y'), '');
});

test('platforms and connections have readable names', () => {
  assert.equal(platformName('MACOS'), 'macOS');
  assert.equal(platformName('PLAN9'), 'Unknown');
  assert.equal(describeConnection({ url: 'http://127.0.0.1:1', source: 'emulator', version: null, reachable: true }), 'Emulator at http://127.0.0.1:1');
  assert.equal(describeConnection({ url: 'http://127.0.0.1:39300', source: 'discovered', version: '12.0.0', reachable: true }), 'PiecesOS 12.0.0 at http://127.0.0.1:39300 (found automatically)');
  assert.equal(describeConnection({ url: null, source: 'none', version: null, reachable: false }), 'No PiecesOS found');
});

test('settings number fields: blank means no rule, anything else must be a whole number in range', () => {
  assert.equal(optionalInt('', 1, 10, 'N'), null);
  assert.equal(optionalInt(' 7 ', 1, 10, 'N'), 7);
  assert.match(String(optionalInt('0', 1, 10, 'N')), /whole number from 1 to 10/);
  assert.match(String(optionalInt('2.5', 1, 10, 'N')), /whole number/);
});

test('the preview serves only plain file names and injects its bridge before app.js', () => {
  assert.equal(staticName('/'), 'index.html');
  assert.equal(staticName('/app.js'), 'app.js');
  assert.equal(staticName('/../package.json'), null);
  assert.equal(staticName('/%2e%2e/x.js'), null);
  assert.equal(staticName('/sub/app.js'), null);
  assert.equal(staticName('/.env'), null);
  assert.equal(staticName('/secret.txt'), null);
  const html = injectBridge('<head><script src="app.js" defer></script></head>');
  assert.ok(html.indexOf('/preview-bridge.js') < html.indexOf('src="app.js"'));
});
