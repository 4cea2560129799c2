// `npm run bench [-- --json] [--quick] [--only <section>[,<section>]]`: measures the hot paths,
// each beside a baseline measured in the same run, prints a table (or one JSON object with
// --json) and writes bench/results.json with the machine it ran on.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { notMeasured, type Row, type Section } from './types.js';
import { formatTable } from './table.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// Loaded lazily: a section whose product code is missing reports "not measured" instead of
// breaking the whole run.
const SECTIONS: { id: string; title: string; load: () => Promise<Section> }[] = [
  { id: 'stream', title: '1 stream reader', load: async () => (await import('./sections/stream.js')).streamSection },
  { id: 'list', title: '2 list 10,000', load: async () => (await import('./sections/list.js')).listSection },
  { id: 'cli', title: '2b CLI list --json', load: async () => (await import('./sections/cli-list.js')).cliListSection },
  { id: 'progress', title: '3 progress end to end', load: async () => (await import('./sections/progress.js')).progressSection },
  { id: 'window', title: '4 window 10,000', load: async () => (await import('./sections/window.js')).windowSection },
  { id: 'idle', title: '5 idle daemon', load: async () => (await import('./sections/idle.js')).idleSection },
  { id: 'size', title: '6 size', load: async () => (await import('./sections/size.js')).sizeSection },
];

interface Args { json: boolean; quick: boolean; only: Set<string> | null }

function parseArgs(argv: string[]): Args {
  const args: Args = { json: false, quick: false, only: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') args.json = true;
    else if (a === '--quick') args.quick = true;
    else if (a === '--only' || a?.startsWith('--only=')) {
      const v = a === '--only' ? argv[++i] : a.slice('--only='.length);
      args.only = new Set((v ?? '').split(',').map((s) => s.trim()).filter(Boolean));
    } else {
      process.stderr.write(`bench: unknown argument ${a}; use --json, --quick or --only <${SECTIONS.map((s) => s.id).join('|')}>.\n`);
      process.exit(2);
    }
  }
  if (args.only) {
    const unknown = [...args.only].filter((id) => !SECTIONS.some((s) => s.id === id));
    if (unknown.length > 0) {
      process.stderr.write(`bench: no section ${unknown.join(', ')}; pick from ${SECTIONS.map((s) => s.id).join(', ')}.\n`);
      process.exit(2);
    }
  }
  return args;
}

function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown', cores: cpus.length, memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`, node: process.version, loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
  const started = new Date();
  const loadAtStart = Math.round(os.loadavg()[0]! * 100) / 100;
  const rows: Row[] = [];
  const timings: Record<string, number> = {};
  for (const entry of SECTIONS) {
    if (args.only && !args.only.has(entry.id)) continue;
    const tmp = await mkdtemp(path.join(os.tmpdir(), `pieces-bench-${entry.id}-`));
    const t0 = Date.now();
    log(`${entry.title}…`);
    try {
      const section = await entry.load();
      rows.push(...(await section.run({ quick: args.quick, root: ROOT, tmp, log: (l) => log(`  ${l}`) })));
    } catch (e) {
      const reason = e instanceof Error ? e.message.split('\n')[0]! : String(e);
      log(`  ${entry.title} failed: ${reason}`);
      rows.push(notMeasured(entry.title, 'section', reason));
    } finally {
      await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
      timings[entry.id] = Math.round((Date.now() - t0) / 100) / 10;
    }
  }
  const result = {
    date: started.toISOString(), quick: args.quick, machine: { ...machine(), loadAtStart }, seconds: timings,
    rows: rows.map((r) => ({ ...r, value: r.value === null || Number.isFinite(r.value) ? r.value : null })),
    missed: rows.filter((r) => r.pass === false).map((r) => `${r.section}: ${r.metric}`),
  };
  await writeFile(path.join(ROOT, 'bench', 'results.json'), `${JSON.stringify(result, null, 2)}\n`);
  if (args.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    const m = result.machine;
    // The load average beside the machine: these machines are shared, and the figures move with it.
    process.stdout.write(`${formatTable(rows)}\n\n${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, ${result.date}${args.quick ? ' (--quick)' : ''}; load average (1 min) ${m.loadAtStart} at the start, ${m.loadavg[0]} at the end\n`);
    if (result.missed.length > 0) process.stdout.write(`targets missed: ${result.missed.join('; ')}\n`);
  }
  // Anything a section forgot to close must not keep the bench alive.
  process.exit(0);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
