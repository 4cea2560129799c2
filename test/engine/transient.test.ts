// Which failures the engine retries: transport trouble, server errors and a busy PiecesOS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isTransient } from '../../main/engine/engine.js';
import { BackupsApiError } from '../../main/api/errors.js';

test('transport failures, 5xx, 409 (busy) and 429 are retried; sign-in, 4xx and bad answers are not', () => {
  for (const kind of ['unreachable', 'timeout', 'stalled', 'connection-lost'] as const) assert.equal(isTransient(new BackupsApiError(kind, 'x')), true, kind);
  for (const status of [500, 502, 503, 409, 429]) assert.equal(isTransient(new BackupsApiError('http', 'x', { status })), true, String(status));
  for (const status of [400, 404, 422]) assert.equal(isTransient(new BackupsApiError('http', 'x', { status })), false, String(status));
  for (const kind of ['not-signed-in', 'bad-response', 'backup-failed', 'canceled'] as const) assert.equal(isTransient(new BackupsApiError(kind, 'x', { status: 401 })), false, kind);
  assert.equal(isTransient(new Error('not an API error')), false);
});
