// 2b. `pieces-backup list --json` of 10,000 backups end to end: the built CLI spawned as a
// person runs it, beside a bare `node -e ''` start and the Pieces SDK doing the same in a process.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { summarizeProfile } from '../cpu-profile.js';
import { median, msSince } from '../stats.js';
import type { Section } from '../types.js';
import { emulatorWith } from './emulator.js';

const S = '2b CLI list --json';
const COUNT = 10_000;

/** Runs a process to its end; resolves with wall-clock ms and stdout. */
function timed(args: string[], cwd: string): Promise<{ ms: number; out: string }> {
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const ms = msSince(t);
      if (code !== 0) reject(new Error(`${args.slice(0, 2).join(' ')} exited ${code}: ${err.trim().slice(0, 200)}`));
      else resolve({ ms, out: Buffer.concat(out).toString('utf8') });
    });
  });
}

export const cliListSection: Section = {
  id: 'cli',
  title: 'CLI list --json',
  async run(ctx) {
    if (!existsSync(path.join(ctx.root, 'dist/cli.js'))) {
      return [{ section: S, metric: 'list --json of 10,000', value: null, unit: '', note: 'not measured: dist/cli.js is not built (npm run build)' }];
    }
    const emu = await emulatorWith(ctx.tmp, COUNT);
    try {
      const cli = ['bin/pieces-backup.js', '--url', emu.url, '--config-dir', path.join(ctx.tmp, 'config'), '--json', 'list'];
      const sdk = ['--input-type=module', '-e',
        `import { BackupsApi, Configuration } from '@pieces.app/pieces-os-client';
         const r = await new BackupsApi(new Configuration({ basePath: ${JSON.stringify(emu.url)} })).backupsSnapshot();
         process.stdout.write(JSON.stringify(r.iterable) + '\\n');`];
      const first = await timed(cli, ctx.root);
      const parsed: unknown = JSON.parse(first.out);
      if (!Array.isArray(parsed) || parsed.length !== COUNT) throw new Error(`the CLI printed ${Array.isArray(parsed) ? parsed.length : 'no'} backups instead of ${COUNT}`);
      await timed(sdk, ctx.root);

      const runs = ctx.quick ? 3 : 7;
      const c: number[] = [];
      const s: number[] = [];
      const n: number[] = [];
      for (let i = 0; i < runs; i++) {
        c.push((await timed(cli, ctx.root)).ms);
        s.push((await timed(sdk, ctx.root)).ms);
        n.push((await timed(['-e', ''], ctx.root)).ms);
      }
      const cm = median(c);
      // One profiled run, to say where the time goes.
      const profDir = path.join(ctx.tmp, 'cpu-prof');
      await timed(['--cpu-prof', '--cpu-prof-dir', profDir, ...cli], ctx.root);
      const prof = (await readdir(profDir)).find((f) => f.endsWith('.cpuprofile'));
      const where = prof ? await summarizeProfile(path.join(profDir, prof)) : null;
      ctx.log(`CLI ${cm.toFixed(0)} ms, SDK process ${median(s).toFixed(0)} ms, node -e '' ${median(n).toFixed(0)} ms`);
      return [
        {
          section: S, metric: 'list --json of 10,000 (spawned)', value: cm, unit: 'ms',
          baseline: { label: "node -e '' start, ms", value: median(n) }, ratio: cm / median(n),
          target: '< 1000 ms', pass: cm < 1000,
          note: `median of ${runs}; max ${Math.max(...c).toFixed(0)} ms${where ? `; CPU profile of one run (${where.totalMs.toFixed(0)} ms after V8 start): ${where.summary}` : ''}`,
        },
        {
          section: S, metric: 'same, against the SDK in a process', value: cm, unit: 'ms',
          baseline: { label: 'SDK backupsSnapshot + print, ms', value: median(s) }, ratio: median(c.map((x, i) => x / s[i]!)),
        },
      ];
    } finally {
      await emu.close();
    }
  },
};
