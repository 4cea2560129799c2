#!/usr/bin/env node
// Entry of the `pieces-backup` CLI: runs the bundle that `npm install` builds (scripts/build.mjs).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('pieces-backup is not built yet: run `npm install` (or `npm run build`) in the project folder.');
  process.exit(2);
}
// The headless daemon waits for days between backups: V8's lite mode, set before any of the CLI's
// code loads, keeps its memory ≈ 4 MiB lower than setting it in the daemon command (which does
// too, for `node dist/cli.js daemon`); main/daemon/lean-runtime.ts says why lite mode.
if (process.argv.slice(2).includes('daemon')) (await import('node:v8')).setFlagsFromString('--lite-mode');
await import(entry.href);
