// Builds the renderer exactly as scripts/build.mjs does (app.js, preview-bridge.js, index.html,
// styles.css) into any folder. The preview uses it when dist/ is missing; tests use it to run the
// current sources without depending on the rest of the build.
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DEFAULT_RENDERER_DIR = path.join(PROJECT_ROOT, 'dist', 'renderer');

export async function buildRenderer(outDir: string): Promise<void> {
  // esbuild is a dev dependency: load it only when a build is actually needed.
  const { build } = await import('esbuild');
  await mkdir(outDir, { recursive: true });
  const common = {
    bundle: true, platform: 'browser', target: 'chrome120', format: 'iife', minify: true, sourcemap: true,
    logLevel: 'warning', absWorkingDir: PROJECT_ROOT,
  } as const;
  await Promise.all([
    build({ ...common, entryPoints: ['renderer/app.ts'], outfile: path.join(outDir, 'app.js') }),
    build({ ...common, entryPoints: ['renderer/preview-bridge.ts'], outfile: path.join(outDir, 'preview-bridge.js') }),
    copyFile(path.join(PROJECT_ROOT, 'renderer', 'index.html'), path.join(outDir, 'index.html')),
    copyFile(path.join(PROJECT_ROOT, 'renderer', 'styles.css'), path.join(outDir, 'styles.css')),
  ]);
}
