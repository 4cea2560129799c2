import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { openHistory, HISTORY_FILE } from '../../main/engine/history.js';
import type { HistoryEntry } from '../../main/engine/types.js';
import { withTempDir } from '../helpers/temp-dir.js';

const withDir = (fn: (dir: string) => Promise<void>) => withTempDir('history', fn);

const entry = (i: number, extra: Partial<HistoryEntry> = {}): HistoryEntry => ({
  trigger: 'manual', result: 'completed', startedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  finishedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i + 1)).toISOString(), bytes: i, backupId: `b${i}`, ...extra,
});

test('records newest first, keeps the last 200', () =>
  withDir(async (dir) => {
    const h = openHistory(dir);
    assert.deepEqual(await h.list(), []);
    for (let i = 0; i < 205; i++) await h.record(entry(i));
    const list = await h.list();
    assert.equal(list.length, 200);
    assert.equal(list[0]!.bytes, 204);
    assert.equal(list.at(-1)!.bytes, 5);
    const text = await readFile(join(dir, HISTORY_FILE), 'utf8');
    assert.equal(text.trim().split('\n').length, 200);
  }));

test('a corrupt line is skipped, not fatal; the file heals on the next write', () =>
  withDir(async (dir) => {
    const h = openHistory(dir);
    await h.record(entry(1, { result: 'failed', error: { kind: 'unreachable', message: 'PiecesOS is not running.' } }));
    await appendFile(join(dir, HISTORY_FILE), '{"trigger":"manual", truncated\n\u0000\u0001garbage\n{"trigger":"bogus","result":"completed","startedAt":"x","finishedAt":"y"}\n');
    await h.record(entry(2));
    const list = await h.list();
    assert.deepEqual(list.map((e) => e.bytes), [2, 1]);
    assert.equal(list[1]!.error?.kind, 'unreachable');
  }));

test('two processes recording at once lose nothing', () =>
  withDir(async (dir) => {
    const moduleUrl = new URL('../../main/engine/history.ts', import.meta.url).href;
    const script = (tag: string) => `import { openHistory } from ${JSON.stringify(moduleUrl)};
      const h = openHistory(${JSON.stringify(dir)});
      for (let i = 0; i < 25; i++) await h.record({ trigger: 'manual', result: 'completed', startedAt: '${tag}', finishedAt: '${tag}', bytes: i });`;
    await Promise.all(['a', 'b'].map((tag) => new Promise<void>((resolve, reject) => {
      const p = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script(tag)], { stdio: ['ignore', 'inherit', 'inherit'] });
      p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`child exited ${code}`))));
    })));
    const list = await openHistory(dir).list();
    assert.equal(list.filter((e) => e.startedAt === 'a').length, 25);
    assert.equal(list.filter((e) => e.startedAt === 'b').length, 25);
  }));
