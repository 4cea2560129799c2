// Where a process spends its time: self time from a V8 .cpuprofile (node --cpu-prof), summed by
// package (node_modules/<pkg>), our bundle, Node internals, GC and idle.
import { readFile } from 'node:fs/promises';

interface ProfileNode { id: number; callFrame: { url: string; functionName: string } }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

function bucket(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return 'node internals';
  const file = /[^/]+$/.exec(url)?.[0] ?? url;
  return file;
}

/** "label ms, label ms, …" for the `top` biggest buckets, and the profile's total ms. */
export async function summarizeProfile(file: string, top = 6): Promise<{ totalMs: number; summary: string }> {
  const p = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const node = byId.get(p.samples[i]!);
    const dt = (p.timeDeltas[i] ?? 0) / 1000;
    total += dt;
    if (!node) continue;
    const b = bucket(node);
    totals.set(b, (totals.get(b) ?? 0) + dt);
  }
  const summary = [...totals].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, ms]) => `${k} ${ms.toFixed(0)} ms`).join(', ');
  return { totalMs: total, summary };
}
