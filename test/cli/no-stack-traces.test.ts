// Whatever a server answers, no command prints a stack trace or Node's internals: every failure
// is one sentence and a documented exit code (0 ok, 1 the server refused or failed, 3 transport).
// (A 600 MB body used to crash list with ERR_STRING_TOO_LONG; the client now stops at 128 MiB.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdir, writeFile } from 'node:fs/promises';
import { runCliProcess, startCli, type CliRun } from '../helpers/cli.js';
import { withTempDir } from '../helpers/temp-dir.js';
import { json, reset, startHostileServer, text, type Route } from './hostile-server.js';

const STACK = /^\s+at |node:internal|^\w*Error: |^\s*\^$/m;

function assertNoStack(r: CliRun, what: string): void {
  const both = `${r.stdout}\n${r.stderr}`;
  assert.doesNotMatch(both, STACK, `${what} printed a stack trace or Node internals:\n${both.slice(0, 3000)}`);
}

/** Every route of the Backups API answered the same hostile way (health stays "ok" so the
 * commands get past it, except where the scenario breaks health itself). */
function everywhere(route: Route, healthToo = false): Record<string, Route> {
  const routes: Record<string, Route> = {
    'GET /backups': route,
    'POST /backups/create': route,
    'POST /backups/create/streamed': route,
    'POST /backups/12.0.0_1/delete': route,
    'POST /backups/%25E0%25A4%25A/delete': route,
    'GET /os/device/information': route,
    'GET /.well-known/version': route,
  };
  if (healthToo) routes['GET /.well-known/health'] = route;
  return routes;
}

const HUGE = 'x'.repeat(20 * 1024 * 1024);

/** A 200 whose JSON body runs to 600 MB, sent without a Content-Length (so it must be counted
 * while read): past what a string can hold, so reading it whole can only crash. */
const bodyOf600MB: Route = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  const mib = Buffer.from(`"${'x'.repeat(1024 * 1024 - 3)}",`);
  let sent = 0;
  res.on('close', () => (sent = Number.POSITIVE_INFINITY));
  res.write('{"iterable":[');
  const more = (): void => {
    while (sent < 600) {
      sent++;
      if (!res.write(mib)) return void res.once('drain', more);
    }
    if (sent === 600) res.end('"x"]}');
  };
  more();
};

/** Percent-encoding that does not decode, in ids and messages. */
const BAD_PERCENT = '%E0%A4%A';

interface Scenario {
  name: string;
  routes: Record<string, Route>;
  /** Expected exit code per command. */
  codes: Record<string, number>;
  /** Run in these output modes (default both: for a person, and --json). */
  modes?: string[][];
}

const scenarios: Scenario[] = [
  {
    name: 'wrong JSON',
    routes: everywhere(json(200, { iterable: 'not a list', status: 42, percentage: 'x' })),
    codes: { list: 1, create: 1, 'create --stream': 1, delete: 0, 'delete bad-percent': 0, doctor: 0 },
  },
  {
    name: 'HTML instead of JSON',
    routes: everywhere(text(200, '<!doctype html><html><body><h1>Welcome</h1></body></html>', 'text/html'), true),
    codes: { list: 1, create: 1, 'create --stream': 1, delete: 0, 'delete bad-percent': 0, doctor: 3 },
  },
  {
    name: '500 with a huge body',
    routes: everywhere(text(500, HUGE)),
    codes: { list: 1, create: 1, 'create --stream': 1, delete: 1, 'delete bad-percent': 1, doctor: 0 },
  },
  {
    name: 'connection reset',
    routes: everywhere(reset),
    codes: { list: 3, create: 3, 'create --stream': 3, delete: 3, 'delete bad-percent': 3, doctor: 0 },
  },
  {
    name: 'bad percent-encoding in ids and messages',
    routes: {
      ...everywhere(json(404, { message: `no backup ${BAD_PERCENT}` })),
      'GET /backups': json(200, { iterable: [{ id: BAD_PERCENT, version: BAD_PERCENT, timestamp: BAD_PERCENT, bytes: 1, created: { value: BAD_PERCENT }, device_name: BAD_PERCENT, platform: 'LINUX' }] }),
    },
    codes: { list: 0, create: 1, 'create --stream': 1, delete: 1, 'delete bad-percent': 1, doctor: 0 },
  },
  {
    name: 'a 600 MB JSON body',
    routes: everywhere(bodyOf600MB),
    codes: { list: 1, create: 1, 'create --stream': 1, delete: 0, 'delete bad-percent': 0, doctor: 0 },
    // Each run reads 128 MiB before refusing: once per command is enough.
    modes: [[]],
  },
  {
    name: 'a stream that is not JSON',
    routes: everywhere(text(200, 'data: {"status":"IN-PROGRESS"\n\nthis is not json at all }}}{{{\n', 'application/x-ndjson')),
    codes: { list: 1, create: 1, 'create --stream': 1, delete: 0, 'delete bad-percent': 0, doctor: 0 },
  },
];

const COMMANDS: Record<string, string[]> = {
  list: ['list'],
  create: ['create'],
  'create --stream': ['create', '--stream'],
  delete: ['delete', '12.0.0_1', '--yes'],
  'delete bad-percent': ['delete', BAD_PERCENT, '--yes'],
  doctor: ['doctor'],
};

for (const s of scenarios) {
  test(`hostile server (${s.name}): every command ends with its documented exit code and no stack trace`, { timeout: 120_000 }, () =>
    withTempDir('cli-nostack', async (dir) => {
      const srv = await startHostileServer(s.routes);
      try {
        for (const [name, args] of Object.entries(COMMANDS)) {
          for (const mode of s.modes ?? [[], ['--json']]) {
            const what = `${name}${mode.length ? ' --json' : ''} (${s.name})`;
            const r = await runCliProcess(['--url', srv.url, '--config-dir', join(dir, 'cfg'), '--timeout', '5', ...mode, ...args]);
            assertNoStack(r, what);
            assert.equal(r.code, s.codes[name], `${what}: exit ${r.code}\n${r.stdout.slice(0, 500)}${r.stderr.slice(0, 500)}`);
            if (r.code !== 0) {
              if (mode.length) assert.equal(JSON.parse(r.stdout.trim().split('\n').at(-1)!).event, 'error', what);
              else assert.match(r.stderr, /^pieces-backup: \S.*\n$/, `${what}: one line on stderr`);
            }
          }
        }
        // history reads only the local folder (filled by the runs above)
        for (const mode of [[], ['--json']]) {
          const h = await runCliProcess(['--config-dir', join(dir, 'cfg'), ...mode, 'history']);
          assertNoStack(h, `history (${s.name})`);
          assert.equal(h.code, 0, h.stderr);
        }
        // The daemon, briefly: it starts, meets the server (a catch-up backup), and stops on SIGTERM.
        const cfg = join(dir, 'daemon');
        await mkdir(cfg, { recursive: true });
        await writeFile(join(cfg, 'config.json'), JSON.stringify({ schedule: { kind: 'daily', time: '12:00' }, scheduleSetAt: '2020-01-01T00:00:00.000Z' }));
        for (const mode of s.modes ?? [[], ['--json']]) {
          const { child, done } = startCli(['--url', srv.url, '--config-dir', cfg, '--timeout', '5', ...mode, 'daemon']);
          let out = '';
          child.stdout!.on('data', (d: Buffer | string) => (out += String(d)));
          const end = Date.now() + 10_000;
          while (!/(backup|run).*(failed|completed|canceled)|"event":"run"/i.test(out) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
          child.kill('SIGTERM');
          const r = await done;
          assertNoStack(r, `daemon (${s.name})`);
          assert.equal(r.code, 0, `daemon (${s.name}): ${r.stdout}${r.stderr}`);
        }
      } finally {
        await srv.close();
      }
    }));
}

test('a corrupt history file: history says so in a sentence, no stack trace', () =>
  withTempDir('cli-nostack-history', async (dir) => {
    await writeFile(join(dir, 'history.jsonl'), '{"not":"an entry"}\n\u0000\u0001garbage\n{"trigger":"manual"\n');
    for (const mode of [[], ['--json']]) {
      const r = await runCliProcess(['--config-dir', dir, ...mode, 'history']);
      assertNoStack(r, 'history');
      assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}`);
    }
  }));
