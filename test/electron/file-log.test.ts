// The file log of the main process and the daemon (main/shared/file-log.ts): real files in a temp
// folder, capped and rotated, never throwing when the folder cannot be written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFileLog } from '../../main/shared/file-log.js';

test('lines are appended with their time; the folder is created on first write', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'pb-log-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const log = openFileLog(join(dir, 'Pieces Backup'), 'main.log', { now: () => new Date('2026-11-28T10:00:00.000Z') });
  log.write('first');
  log.write('second\nwith a stack line');
  assert.equal(readFileSync(log.path, 'utf8'), '2026-11-28T10:00:00.000Z first\n2026-11-28T10:00:00.000Z second\n    with a stack line\n');
});

test('the file is capped: it rotates to .1, .2, … and the oldest generation is dropped', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'pb-log-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const log = openFileLog(dir, 'daemon.log', { maxBytes: 200, keep: 2 });
  for (let i = 0; i < 40; i++) log.write(`line ${String(i).padStart(3, '0')} ${'x'.repeat(20)}`);
  for (const p of [log.path, `${log.path}.1`, `${log.path}.2`]) {
    assert.ok(existsSync(p), `${p} exists`);
    assert.ok(statSync(p).size <= 200, `${p} is within the cap`);
  }
  assert.equal(existsSync(`${log.path}.3`), false, 'no more generations than asked for');
  assert.match(readFileSync(log.path, 'utf8'), /line 039/, 'the newest line is in the current file');
  assert.doesNotMatch(readFileSync(`${log.path}.2`, 'utf8') + readFileSync(`${log.path}.1`, 'utf8') + readFileSync(log.path, 'utf8'), /line 000/, 'the oldest lines are gone');
});

test('a log that cannot be written never throws', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'pb-log-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'a-file'), 'not a folder');
  const log = openFileLog(join(dir, 'a-file', 'inside'), 'main.log');
  assert.doesNotThrow(() => log.write('nowhere to go'));
});
