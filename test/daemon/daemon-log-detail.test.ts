// The log keeps what the person-facing sentence leaves out (issue 11): a failed run's line ends
// with its detail (a system error code, the server's own words) in brackets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runText } from '../../main/daemon/daemon.js';

const failed = { trigger: 'scheduled' as const, result: 'failed' as const, startedAt: '', finishedAt: '' };

test('a failed run\'s log line carries its detail after the sentence', () => {
  const line = runText({ ...failed, error: { kind: 'unreachable', message: 'Could not reach PiecesOS at http://127.0.0.1:1. Start PiecesOS or check its address, then try again.', detail: 'ECONNREFUSED' } }, null);
  assert.equal(line, 'Scheduled backup failed: Could not reach PiecesOS at http://127.0.0.1:1. Start PiecesOS or check its address, then try again. [ECONNREFUSED]');
  const plain = runText({ ...failed, error: { kind: 'http', message: 'PiecesOS answered HTTP 500.' } }, null);
  assert.equal(plain, 'Scheduled backup failed: PiecesOS answered HTTP 500.', 'no brackets without a detail');
});
