// Builds the bundles the app, the CLI and the preview run from (dist/). Runs on `npm install`
// (the `prepare` script) so `npx pieces-backup` works right after it; takes about a second.
import { build } from 'esbuild';
import { cpSync, mkdirSync, rmSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
rmSync(`${root}dist`, { recursive: true, force: true });

const node = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning', absWorkingDir: root };

await Promise.all([
  // CLI and headless daemon: dependencies stay in node_modules.
  // Split so each command's chunk (and the packages it imports) loads only when that command runs.
  build({
    ...node, entryPoints: { cli: 'main/cli/main.ts' }, outdir: 'dist', entryNames: '[name]', chunkNames: 'cli-chunks/[name]-[hash]',
    splitting: true, format: 'esm', packages: 'external',
  }),
  // What `npm start` reuses of the app's own discovery and settings-folder rules.
  build({ ...node, entryPoints: ['main/launcher/support.ts'], outfile: 'dist/launcher.js', format: 'esm', packages: 'external' }),
  // Electron main process: ESM (Electron >= 28 loads it); electron itself is provided at run time.
  build({ ...node, entryPoints: ['main/electron/main.ts'], outfile: 'dist/electron/main.js', format: 'esm', packages: 'external' }),
  // Sandboxed preloads must be one CommonJS file that requires nothing but 'electron'.
  build({ ...node, entryPoints: ['preload/preload.ts'], outfile: 'dist/preload/preload.cjs', format: 'cjs', external: ['electron'] }),
  // The renderer: one browser script, no Node, no eval (the CSP forbids it).
  build({
    bundle: true, platform: 'browser', target: 'chrome120', format: 'iife', minify: true, sourcemap: true,
    logLevel: 'warning', absWorkingDir: root, entryPoints: ['renderer/app.ts'], outfile: 'dist/renderer/app.js',
  }),
  // The preview's HTTP + SSE stand-in for the preload; served only by `npm run preview`.
  build({
    bundle: true, platform: 'browser', target: 'chrome120', format: 'iife', minify: true, sourcemap: true,
    logLevel: 'warning', absWorkingDir: root, entryPoints: ['renderer/preview-bridge.ts'], outfile: 'dist/renderer/preview-bridge.js',
  }),
]);
mkdirSync(`${root}dist/renderer`, { recursive: true });
cpSync(`${root}renderer/index.html`, `${root}dist/renderer/index.html`);
cpSync(`${root}renderer/styles.css`, `${root}dist/renderer/styles.css`);
