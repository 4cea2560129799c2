// 6. Size: bytes of the built bundles (dist/, built first when missing) and of what the renderer
// bundle pulls from node_modules (an esbuild metafile of the same renderer build).
import { execFile } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import type { Row, Section } from '../types.js';

const S = '6 size';
const run = promisify(execFile);

const FILES: [string, string][] = [
  ['main bundle (Electron)', 'dist/electron/main.js'],
  ['preload bundle', 'dist/preload/preload.cjs'],
  ['renderer bundle (app.js)', 'dist/renderer/app.js'],
  ['renderer styles.css', 'dist/renderer/styles.css'],
  ['renderer index.html', 'dist/renderer/index.html'],
  ['CLI + daemon entry', 'dist/cli.js'],
];

async function size(file: string): Promise<number | null> {
  return stat(file).then((s) => s.size, () => null);
}

export const sizeSection: Section = {
  id: 'size',
  title: 'Bundle sizes',
  async run(ctx) {
    const missing = (await Promise.all(FILES.map(([, f]) => size(path.join(ctx.root, f))))).some((s) => s === null || s < 100);
    if (missing) {
      ctx.log('dist/ is incomplete: running npm run build');
      await run(process.execPath, ['scripts/build.mjs'], { cwd: ctx.root, timeout: 120_000 });
    }
    const rows: Row[] = [];
    // The CLI is split into an entry and per-command chunks: count them all.
    const chunkDir = path.join(ctx.root, 'dist/cli-chunks');
    const chunks = await readdir(chunkDir).then((names) => names.filter((n) => n.endsWith('.js')), () => [] as string[]);
    if (chunks.length > 0) {
      let total = 0;
      let gz = 0;
      for (const n of chunks) {
        const buf = await readFile(path.join(chunkDir, n));
        total += buf.length;
        gz += gzipSync(buf).length;
      }
      rows.push({ section: S, metric: 'CLI command chunks (loaded on demand)', value: total / 1024, unit: 'KiB', note: `dist/cli-chunks/ (${chunks.length} files), ${(gz / 1024).toFixed(1)} KiB gzipped` });
    }
    for (const [label, rel] of FILES) {
      const file = path.join(ctx.root, rel);
      const bytes = await size(file);
      if (bytes === null) {
        rows.push({ section: S, metric: label, value: null, unit: '', note: `not measured: ${rel} was not built` });
        continue;
      }
      const gz = gzipSync(await readFile(file)).length;
      rows.push({ section: S, metric: label, value: bytes / 1024, unit: 'KiB', note: `${rel}, ${(gz / 1024).toFixed(1)} KiB gzipped` });
    }
    // What the renderer takes from node_modules: the same entry and options as scripts/build.mjs.
    const { build } = await import('esbuild');
    const result = await build({
      bundle: true, platform: 'browser', target: 'chrome120', format: 'iife', minify: true, write: false, metafile: true,
      logLevel: 'silent', absWorkingDir: ctx.root, entryPoints: ['renderer/app.ts'], outfile: path.join(ctx.tmp, 'app.js'),
    });
    let deps = 0;
    let own = 0;
    const packages = new Set<string>();
    for (const output of Object.values(result.metafile.outputs)) {
      for (const [input, info] of Object.entries(output.inputs)) {
        if (input.includes('node_modules/')) {
          deps += info.bytesInOutput;
          const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
          if (m) packages.add(m[1]!);
        } else own += info.bytesInOutput;
      }
    }
    rows.push({
      section: S, metric: 'renderer dependencies (from node_modules)', value: deps / 1024, unit: 'KiB',
      baseline: { label: 'renderer own code, KiB', value: own / 1024 },
      note: packages.size === 0 ? 'the renderer bundles no package from node_modules' : `packages: ${[...packages].sort().join(', ')}`,
    });
    return rows;
  },
};
