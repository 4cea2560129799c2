// Notifications say each thing once (issue 11): what happened, then what to do — not the error's
// own advice followed by the notification's; no system error codes (also from runs recorded before
// the codes moved to `detail`); times written like everywhere else.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createNoticePolicy, describeBackupBriefly } from '../../main/core/notices.js';
import { ManualClock } from '../../main/engine/clock.js';
import { DEFAULT_SETTINGS } from '../../main/settings/schema.js';
import { setTimeStyle } from '../../main/shared/time-format.js';
import type { RunError } from '../../main/engine/types.js';

const CODES = /\b(?:E[A-Z]{4,}|UND_ERR_[A-Z_]+)\b/;
const count = (text: string, re: RegExp): number => (text.match(new RegExp(re.source, 'gi')) ?? []).length;
const failed = (error: RunError) => ({ entry: { trigger: 'scheduled' as const, result: 'failed' as const, startedAt: '', finishedAt: '', error }, retryAt: null, attempt: 0 });
afterEach(() => setTimeStyle({}));

test('a failed backup\'s notification: what happened, then one piece of advice; no error code', () => {
  const cases: RunError[] = [
    { kind: 'unreachable', message: 'Could not reach PiecesOS at http://127.0.0.1:39300. Start PiecesOS or check its address, then try again.', detail: 'ECONNREFUSED' },
    // As recorded in a history written before this change.
    { kind: 'unreachable', message: 'Could not reach PiecesOS at http://127.0.0.1:39300 (ECONNREFUSED); start PiecesOS or check its address, then try again.' },
    { kind: 'connection-lost', message: 'The connection to PiecesOS at http://127.0.0.1:39300 was lost while it was answering (ECONNRESET); try again.' },
    { kind: 'timeout', message: 'PiecesOS at http://127.0.0.1:39300 did not answer within 30 s; check that it is running and not busy, then try again.' },
  ];
  for (const error of cases) {
    const policy = createNoticePolicy({ settings: () => DEFAULT_SETTINGS, clock: new ManualClock() });
    const n = policy.fromRun(failed(error));
    assert.ok(n, error.message);
    assert.doesNotMatch(n.body, CODES, n.body);
    assert.ok(count(n.body, /try again/) <= 1 && count(n.body, /start PiecesOS|make sure PiecesOS/) <= 1 && count(n.body, /Back up now/) <= 1, `one piece of advice: ${n.body}`);
  }
});

test('an HTTP failure keeps the server\'s words once and adds what to do', () => {
  const policy = createNoticePolicy({ settings: () => DEFAULT_SETTINGS, clock: new ManualClock() });
  const n = policy.fromRun(failed({ kind: 'http', message: 'PiecesOS answered HTTP 500: database is locked.' }))!;
  assert.equal(count(n.body, /database is locked/), 1, n.body);
  assert.match(n.body, /restart PiecesOS/);
});

test('a backup is named with the time written as everywhere else', () => {
  setTimeStyle({ locale: 'en-US' });
  const created = new Date(new Date().getFullYear(), 2, 1, 15, 30).toISOString();
  assert.match(describeBackupBriefly({ deviceName: 'laptop', created, bytes: 12_300_000 }), /^laptop, Mar 1, 3:30\sPM \(12\.3 MB\)$/);
});

test('the backup made once PiecesOS answers again gives that reason, not "off or asleep"', () => {
  const done = (trigger: 'owed' | 'catch-up') => ({ entry: { trigger, result: 'completed' as const, startedAt: '', finishedAt: '' }, retryAt: null, attempt: 0 });
  const owed = createNoticePolicy({ settings: () => DEFAULT_SETTINGS, clock: new ManualClock() }).fromRun(done('owed'));
  assert.ok(owed);
  assert.match(owed.body, /PiecesOS was not available/);
  assert.doesNotMatch(owed.body, /off or asleep/);
  const caughtUp = createNoticePolicy({ settings: () => DEFAULT_SETTINGS, clock: new ManualClock() }).fromRun(done('catch-up'));
  assert.match(caughtUp!.body, /off or asleep/);
});
