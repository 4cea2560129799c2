// A bench part in a child process of its own, driven over Node's IPC channel: the parent asks
// (`request`), the child answers; the child can also report on its own (`event`). Used by the
// progress section so the fake PiecesOS, the core with its preview server, and Playwright's
// client each have an event loop of their own, as PiecesOS and the app's main process do.
// Messages use the structured-clone serialization, so Maps pass as they are.
import { fork, type ChildProcess } from 'node:child_process';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

type Handler = (arg: unknown) => unknown;

interface Request { id: number; cmd: string; arg: unknown }
type Message =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: string }
  | { event: string; value: unknown };

/** How late a process's event loop ran while measured: p99 and max, ms. */
export interface LoopDelay { p99: number; max: number }

/** Wall clock with sub-millisecond resolution, comparable between processes of one machine. */
export const wallNow = (): number => performance.timeOrigin + performance.now();

// ---- child side ----

/**
 * Answers the parent's requests with `handlers` (plus `clock`, `loop:start`, `loop:stop` and
 * `close`, which runs `onClose` and exits). Exits when the parent goes away, however it went.
 */
export function serveParent(handlers: Record<string, Handler>, onClose: () => Promise<void>): { emit(event: string, value: unknown): void } {
  const send = process.send?.bind(process);
  if (!send) throw new Error('This file is a bench child process: start it with the bench (npm run bench), not by hand.');
  let loop: IntervalHistogram | null = null;
  const builtIn: Record<string, Handler> = {
    clock: () => wallNow(),
    'loop:start': () => {
      loop?.disable();
      loop = monitorEventLoopDelay({ resolution: 5 });
      loop.enable();
    },
    'loop:stop': (): LoopDelay => {
      const h = loop;
      loop = null;
      if (!h) return { p99: Number.NaN, max: Number.NaN };
      h.disable();
      return { p99: h.percentile(99) / 1e6, max: h.max / 1e6 };
    },
  };
  process.on('disconnect', () => process.exit(0));
  process.on('message', (raw) => {
    const m = raw as Request;
    void (async () => {
      let reply: Message;
      try {
        if (m.cmd === 'close') await onClose();
        const handler = builtIn[m.cmd] ?? handlers[m.cmd];
        if (!handler && m.cmd !== 'close') throw new Error(`no request "${m.cmd}"`);
        reply = { id: m.id, ok: true, value: handler ? await handler(m.arg) : null };
      } catch (e) {
        reply = { id: m.id, ok: false, error: e instanceof Error ? e.message : String(e) };
      }
      send(reply, undefined, {}, () => {
        if (m.cmd === 'close') process.exit(0);
      });
    })();
  });
  return { emit: (event, value) => void send({ event, value }) };
}

/** Tells the parent the child is ready (with what it needs to know), or why it could not start. */
export function reportReady(start: () => Promise<unknown>): void {
  start().then(
    (value) => process.send?.({ event: 'ready', value }),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}

// ---- parent side ----

export interface BenchChild<Ready> {
  pid: number;
  ready: Ready;
  request<T = unknown>(cmd: string, arg?: unknown): Promise<T>;
  on(event: string, listener: (value: unknown) => void): void;
  /** Asks the child to close, then kills it if it has not exited within a few seconds. Idempotent. */
  close(): Promise<void>;
}

/**
 * Forks `file` (TypeScript, through tsx) and waits for its ready report. A child that exits or
 * does not report within `timeoutMs` is killed and rejected with the end of its stderr.
 */
export async function startChild<Ready>(name: string, file: string, args: string[], cwd: string, timeoutMs = 30_000): Promise<BenchChild<Ready>> {
  const child: ChildProcess = fork(file, args, {
    cwd, execArgv: ['--import', 'tsx'], serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => { stderr = (stderr + c.toString()).slice(-2000); });
  let exited = child.exitCode !== null;
  const exitedP = new Promise<void>((resolve) => child.once('exit', () => { exited = true; resolve(); }));
  const why = () => `the ${name} child process exited (${child.exitCode ?? child.signalCode})${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  const listeners = new Map<string, ((value: unknown) => void)[]>();
  let nextId = 1;
  child.on('message', (raw) => {
    const m = raw as Message;
    if ('event' in m) {
      for (const l of listeners.get(m.event) ?? []) l(m.value);
      return;
    }
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (!p) return;
    if (m.ok) p.resolve(m.value);
    else p.reject(new Error(`the ${name} child could not do that: ${m.error}`));
  });
  void exitedP.then(() => {
    for (const p of pending.values()) p.reject(new Error(why()));
    pending.clear();
  });
  const kill = async () => {
    if (exited) return;
    child.kill('SIGKILL');
    await exitedP;
  };
  let closing: Promise<void> | null = null;
  const handle: BenchChild<Ready> = {
    pid: child.pid ?? -1,
    ready: undefined as Ready,
    request<T>(cmd: string, arg?: unknown) {
      if (exited) return Promise.reject(new Error(why()));
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ id, cmd, arg } satisfies Request, (e) => {
          if (e) {
            pending.delete(id);
            reject(new Error(`could not reach the ${name} child: ${e.message}`));
          }
        });
      });
    },
    on(event, listener) {
      listeners.set(event, [...(listeners.get(event) ?? []), listener]);
    },
    close() {
      closing ??= (async () => {
        if (exited) return;
        const timer = new Promise<void>((resolve) => setTimeout(resolve, 5000).unref());
        await Promise.race([handle.request('close').then(() => exitedP, () => undefined), timer]);
        await Promise.race([exitedP, new Promise<void>((resolve) => setTimeout(resolve, 2000).unref())]);
        await kill();
      })();
      return closing;
    },
  };
  try {
    handle.ready = await new Promise<Ready>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the ${name} child process did not start within ${timeoutMs / 1000} s`)), timeoutMs);
      handle.on('ready', (v) => { clearTimeout(timer); resolve(v as Ready); });
      void exitedP.then(() => { clearTimeout(timer); reject(new Error(why())); });
      child.once('error', (e) => { clearTimeout(timer); reject(new Error(`could not start the ${name} child process: ${e.message}`)); });
    });
  } catch (e) {
    await kill();
    throw e;
  }
  return handle;
}

/**
 * The other process's clock minus this one's, from the request with the shortest round trip
 * (its half is the bound): shows that stamps taken in different processes can be subtracted.
 */
export async function clockOffset(child: BenchChild<unknown>, rounds = 20): Promise<{ offsetMs: number; boundMs: number }> {
  let best = { offsetMs: Number.NaN, boundMs: Number.POSITIVE_INFINITY };
  for (let i = 0; i < rounds; i++) {
    const t0 = wallNow();
    const there = await child.request<number>('clock');
    const t1 = wallNow();
    if ((t1 - t0) / 2 < best.boundMs) best = { offsetMs: there - (t0 + t1) / 2, boundMs: (t1 - t0) / 2 };
  }
  return best;
}
