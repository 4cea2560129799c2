// Asserts that a promise rejects with a BackupsApiError of one kind (and message), returning it.
import assert from 'node:assert/strict';
import { BackupsApiError } from '../../main/api/errors.js';

export async function rejectsKind(p: Promise<unknown>, kind: string, re?: RegExp): Promise<BackupsApiError> {
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof BackupsApiError, `expected a BackupsApiError, got ${String(caught)}`);
  assert.equal(caught.kind, kind, caught.message);
  if (re) assert.match(caught.message, re);
  return caught;
}
