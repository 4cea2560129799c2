// How every front end words the holder of the backup lock: who started it (the app, the
// background service, the pieces-backup command) and what it is doing, in plain words; a lock
// written by an older version (no `by`/`what`) is worded as before, by its process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alreadyRunningLine, describeHolder, holderIsRunning, stuckHolderAdvice, waitingLine } from '../../main/shared/waiting-text.js';
import { formatAtIso } from '../../main/shared/time-format.js';
import type { LockHolder } from '../../main/engine/types.js';

const now = new Date(2026, 10, 26, 14, 30);
const since = new Date(2026, 10, 26, 14, 2).toISOString();
const at = formatAtIso(since, now)!;

test('each front end and each kind of run is named in plain words, without the process number', () => {
  assert.equal(describeHolder({ pid: 4242, since, by: 'app', what: 'backup' }, now), `the backup the Pieces Backup app started at ${at}`);
  assert.equal(describeHolder({ pid: 4242, since, by: 'daemon', what: 'backup' }, now), `the backup the background service started at ${at}`);
  assert.equal(describeHolder({ pid: 4242, since, by: 'cli', what: 'restore' }, now), `the restore the pieces-backup command started at ${at}`);
  assert.equal(describeHolder({ pid: 4242, since, by: 'cli', what: 'prune' }, now), `the prune the pieces-backup command started at ${at}`);
  assert.equal(describeHolder({ pid: 4242, since, by: 'daemon', what: 'backup', host: 'host-b' }, now), `the backup the background service started at ${at} on host-b`);
});

test('the process number follows the words where it helps (the CLI, the daemon log)', () => {
  assert.equal(describeHolder({ pid: 4242, since, by: 'cli', what: 'restore' }, now, { pid: true }), `the restore the pieces-backup command started at ${at} (process 4242)`);
  assert.equal(
    describeHolder({ pid: 77, since, by: 'daemon', what: 'backup', host: 'host-b' }, now, { pid: true }),
    `the backup the background service started at ${at} on host-b (process 77)`,
  );
});

test('a lock from an older version (no by/what) is worded as before, by its process', () => {
  const old: LockHolder = { pid: 4242, since };
  assert.equal(describeHolder(old, now), `the backup started by process 4242 at ${at}`);
  assert.equal(describeHolder(old, now, { pid: true }), `the backup started by process 4242 at ${at}`);
  assert.equal(describeHolder({ pid: 77, since, host: 'desk' }, now), `the backup started by process 77 on desk at ${at}`);
  assert.equal(waitingLine({ heldBy: old }, now), `Waiting for the backup started by process 4242 at ${at}`);
  assert.equal(alreadyRunningLine(old, now), `A backup is already running — started by process 4242 at ${at}`);
  assert.equal(describeHolder({ pid: -1, since: '' }, now), 'the backup another Pieces Backup process is making');
});

test('only one of the two known: what it knows, the rest as before', () => {
  assert.equal(describeHolder({ pid: 4242, since, what: 'restore' }, now), `the restore started by process 4242 at ${at}`);
  assert.equal(describeHolder({ pid: 4242, since, by: 'app' }, now), `the backup the Pieces Backup app started at ${at}`);
});

test('the lines built on it: waiting, and "already running" for the tray and the CLI', () => {
  const h: LockHolder = { pid: 4242, since, by: 'cli', what: 'restore' };
  assert.equal(waitingLine({ heldBy: h }, now), `Waiting for the restore the pieces-backup command started at ${at}`);
  assert.equal(waitingLine({ heldBy: h }, now, { pid: true }), `Waiting for the restore the pieces-backup command started at ${at} (process 4242)`);
  assert.equal(alreadyRunningLine(h, now), `A restore is already running — the pieces-backup command started it at ${at}`);
  assert.equal(alreadyRunningLine({ pid: 9, since, by: 'daemon', what: 'backup', host: 'host-b' }, now, { pid: true }), `A backup is already running — the background service started it at ${at} on host-b (process 9)`);
  assert.equal(alreadyRunningLine({ pid: -1, since: '' }, now), 'A backup is already running — started by another Pieces Backup process');
});

test('"… is running" begins a sentence with the same words', () => {
  assert.equal(holderIsRunning({ pid: 4242, since, by: 'app', what: 'restore' }, now), `The restore the Pieces Backup app started at ${at} is running`);
  assert.equal(holderIsRunning({ pid: 4242, since }, now), `The backup started by process 4242 at ${at} is running`);
  assert.equal(holderIsRunning({ pid: -1, since: '' }, now), 'Another Pieces Backup is running a backup, restore or prune');
});

test('what to do when the holder seems stuck names the one front end that holds it (and how to stop it), not a list of all three', () => {
  const since = '2026-11-28T14:02:00.000Z';
  assert.equal(stuckHolderAdvice({ pid: 4242, since, by: 'app', what: 'backup' }), 'If it is stuck, quit the Pieces Backup app (its tray menu, Quit).');
  assert.equal(stuckHolderAdvice({ pid: 4242, since, by: 'daemon', what: 'backup' }), 'If it is stuck, stop the background service (pieces-backup daemon, process 4242).');
  assert.equal(stuckHolderAdvice({ pid: 4242, since, by: 'cli', what: 'restore' }), 'If it is stuck, stop the pieces-backup command (Ctrl-C where it runs, or process 4242).');
  assert.equal(stuckHolderAdvice({ pid: 4242, since, by: 'daemon', what: 'backup', host: 'host-b' }), 'If it is stuck, stop the background service on host-b (pieces-backup daemon, process 4242).');
  // An older lock: who holds it is not known, so all three are named, with its process.
  assert.equal(stuckHolderAdvice({ pid: 4242, since }), 'If it is stuck, quit it (process 4242: the other Pieces Backup app, background service or pieces-backup command).');
  assert.equal(stuckHolderAdvice({ pid: 0, since }), 'If it is stuck, quit it (the other Pieces Backup app, background service or pieces-backup command).');
});
