// 2. Listing 10,000 backups: our client's fetch + validate + sort against Pieces' own SDK's
// `backupsSnapshot` on the same emulator, interleaved round by round. Then where our time goes.
import { BackupsApi, BackupsFromJSON, Configuration } from '@pieces.app/pieces-os-client';
import { createClient } from '../../main/api/client.js';
import { backupsFromList } from '../../main/api/backup-list.js';
import { fromWireBackup, sortNewestFirst, wireBackups } from '../../main/api/wire.js';
import { cleanHeap } from '../clean-heap.js';
import { median, msSince } from '../stats.js';
import type { Row, Section } from '../types.js';
import { emulatorWith } from './emulator.js';

const S = '2 list 10,000';
const COUNT = 10_000;

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return msSince(t);
}

export const listSection: Section = {
  id: 'list',
  title: 'List 10,000 backups',
  async run(ctx) {
    const emu = await emulatorWith(ctx.tmp, COUNT);
    try {
      const ours = createClient({ baseUrl: emu.url });
      const sdk = new BackupsApi(new Configuration({ basePath: emu.url }));
      const check = await ours.list();
      const sdkCheck = await sdk.backupsSnapshot();
      if (check.length !== COUNT || sdkCheck.iterable.length !== COUNT) throw new Error(`expected ${COUNT} backups, got ${check.length} (ours) and ${sdkCheck.iterable.length} (SDK)`);

      const runs = ctx.quick ? 5 : 21;
      const a: number[] = [];
      const b: number[] = [];
      for (let i = 0; i < runs + 2; i++) {
        // Alternate who goes first so neither always meets the warmer server.
        let x: number;
        let y: number;
        if (i % 2 === 0) {
          x = await time(() => ours.list());
          y = await time(() => sdk.backupsSnapshot());
        } else {
          y = await time(() => sdk.backupsSnapshot());
          x = await time(() => ours.list());
        }
        if (i < 2) continue; // warm-up
        a.push(x);
        b.push(y);
      }
      const ratios = a.map((t, i) => t / b[i]!);

      // Where our time goes: the same body, stage by stage, in process.
      const text = await (await fetch(`${emu.url}/backups`)).text();
      const stage: Record<string, number[]> = { fetch: [], parse: [], 'validate + map (one pass)': [], sort: [], 'for comparison, zod validate + map': [] };
      for (let i = 0; i < 5; i++) {
        stage.fetch!.push(await time(() => fetch(`${emu.url}/backups`).then((r) => r.text())));
        let t = process.hrtime.bigint();
        const json: unknown = JSON.parse(text);
        stage.parse!.push(msSince(t));
        t = process.hrtime.bigint();
        const mapped = backupsFromList(json, 'a backup list');
        stage['validate + map (one pass)']!.push(msSince(t));
        t = process.hrtime.bigint();
        sortNewestFirst(mapped);
        stage.sort!.push(msSince(t));
        t = process.hrtime.bigint();
        wireBackups.parse(json).iterable.map(fromWireBackup);
        stage['for comparison, zod validate + map']!.push(msSince(t));
      }
      // The client-side work alone, without the server and the socket: ours (parse, validate, map,
      // sort) against the SDK's (parse, BackupsFromJSON), interleaved on the same text.
      const mine: number[] = [];
      const theirs: number[] = [];
      // CPU time (user + system), not wall time: waiting for a core on a shared machine is no one's work.
      const cpuMs = () => {
        const u = process.cpuUsage();
        return (u.user + u.system) / 1000;
      };
      const ourWork = () => {
        cleanHeap();
        const t = cpuMs();
        sortNewestFirst(backupsFromList(JSON.parse(text), 'a backup list'));
        return cpuMs() - t;
      };
      const sdkWork = () => {
        cleanHeap();
        const t = cpuMs();
        BackupsFromJSON(JSON.parse(text));
        return cpuMs() - t;
      };
      for (let i = 0; i < runs + 2; i++) {
        // Alternate who goes first: the second pays for the first one's garbage.
        let m: number;
        let th: number;
        if (i % 2 === 0) {
          m = ourWork();
          th = sdkWork();
        } else {
          th = sdkWork();
          m = ourWork();
        }
        if (i < 2) continue;
        mine.push(m);
        theirs.push(th);
      }
      const where = Object.entries(stage).map(([k, v]) => `${k} ${median(v).toFixed(1)}`).join(', ');
      ctx.log(`ours ${median(a).toFixed(1)} ms, SDK ${median(b).toFixed(1)} ms; stages (ms): ${where}`);
      const ratio = median(ratios);
      const workRatio = median(mine.map((m, i) => m / theirs[i]!));
      const rows: Row[] = [{
        section: S, metric: 'client.list(): fetch, validate, sort', value: median(a), unit: 'ms',
        baseline: { label: 'SDK backupsSnapshot, ms', value: median(b) }, ratio,
        target: 'ratio ≤ 1.0', pass: ratio <= 1.0,
        note: `median of ${runs} interleaved rounds, per-round ratio; ${(text.length / 1e6).toFixed(1)} MB body; our stages (ms, median of 5): ${where}`,
      }, {
        section: S, metric: 'client-side work only (no server)', value: median(mine), unit: 'ms',
        baseline: { label: 'SDK parse + BackupsFromJSON, ms', value: median(theirs) }, ratio: workRatio,
        target: 'ratio ≤ 1.0', pass: workRatio <= 1.0,
        note: `ours: JSON.parse, every field validated (one pass, zod's rule; zod itself only for a body it refuses), mapped, sorted; the SDK validates nothing; same text, CPU time from a clean heap (full GC before each), median of ${runs} interleaved rounds, per-round ratio`,
      }];
      return rows;
    } finally {
      await emu.close();
    }
  },
};
