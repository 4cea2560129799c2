#!/usr/bin/env node
// Entry of the `pieces-backup` CLI: runs the bundle that `npm install` builds (scripts/build.mjs).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('pieces-backup is not built yet: run `npm install` (or `npm run build`) in the project folder.');
  process.exit(2);
}
await import(entry.href);
