// Packaging smoke test: electron-builder itself, with electron-builder.yml and package.json.
// 1. `--linux dir`, with a stand-in for Electron's unpacked runtime (its download is the one part
//    that needs the network), lays out the app the way `npm run dist` does: the real app.asar from
//    the `files` rules, the extra resources, the executable renamed. That layout is checked: the
//    asar holds exactly what the app runs, every source map a bundle names, and every package the
//    main bundle imports.
// 2. `--prepackaged` on that directory, for the deb and the AppImage targets, each in its own run:
//    they must get past electron-builder's configuration checks (homepage, author, maintainer,
//    icons, desktop entry). Next each downloads its tool (fpm, appimagetool): where that host cannot
//    be reached the test stops there and skips with the reason; with a network it builds the
//    package and checks it exists.
import { after, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const require = createRequire(import.meta.url);
const builderCli = join(root, 'node_modules/electron-builder/cli.js');
const NETWORK_ERRORS = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|getaddrinfo/;

interface Outcome { code: number | null; output: string; offline?: string }

/**
 * Runs electron-builder. With `stopWhenOffline`, a download it starts (DEBUG output of
 * @electron/get) whose host does not resolve ends the run at once: its own retries would take
 * a minute to say the same.
 */
function builder(args: string[], stopWhenOffline: boolean, tmp: string): Promise<Outcome> {
  return new Promise((resolve) => {
    // Its own temp and cache folders: electron-builder takes download locks in both (stale only
    // after 2 and 10 minutes), and a run ended here must not hold up the next one. (So a machine
    // with network downloads the tools again each time.)
    mkdirSync(join(tmp, 'cache'), { recursive: true });
    const child = spawn(process.execPath, [builderCli, ...args], {
      cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env, TMPDIR: tmp, TMP: tmp, TEMP: tmp, ELECTRON_BUILDER_CACHE: join(tmp, 'cache'),
        DEBUG: '@electron/get*', CSC_IDENTITY_AUTO_DISCOVERY: 'false', FORCE_COLOR: '0',
      },
    });
    let output = '';
    let offline: string | undefined;
    let checking = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 10 * 60_000);
    const onData = (chunk: Buffer): void => {
      output += chunk;
      const m = /Downloading (https?:\/\/\S+)/.exec(output);
      if (!stopWhenOffline || checking || !m) return;
      checking = true;
      const url = new URL(m[1]!);
      lookup(url.hostname).then(
        () => undefined, // reachable as far as DNS goes: let it build
        (e: NodeJS.ErrnoException) => {
          offline = `it needs to download ${url.pathname.split('/').pop()} from ${url.hostname}, which cannot be reached here (${e.code ?? e.message})`;
          // SIGTERM lets it release its locks; SIGKILL if it lingers.
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 5000).unref();
        },
      );
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => { clearTimeout(timer); resolve({ code, output, ...(offline ? { offline } : {}) }); });
  });
}

/** What electron-builder's download of Electron would unpack, minus Electron: enough to lay out the app. */
function electronStandIn(dir: string): string {
  mkdirSync(join(dir, 'resources'), { recursive: true });
  writeFileSync(join(dir, 'electron'), '#!/bin/sh\necho "a stand-in for Electron (packaging test)"\n');
  chmodSync(join(dir, 'electron'), 0o755);
  writeFileSync(join(dir, 'LICENSE'), 'stand-in\n');
  return dir;
}

type Asar = { listPackage(archive: string, options: { isPack: boolean }): string[]; extractFile(archive: string, file: string): Buffer };

interface LaidOut { dir: string; unpacked: string; asar: Asar }
let laidOut: Promise<LaidOut | string> | null = null;
const cleanups: string[] = [];
after(() => Promise.all(cleanups.map((d) => rm(d, { recursive: true, force: true }))));

/** `--linux dir` once for both tests; a string is why it cannot run here. */
function layOut(): Promise<LaidOut | string> {
  laidOut ??= (async () => {
    if (process.platform !== 'linux') return 'the deb and AppImage targets are built on Linux';
    if (!existsSync(join(root, 'dist/electron/main.js'))) return 'dist/ is not built: run npm run build';
    const dir = await mkdtemp(join(tmpdir(), 'pb-package-'));
    cleanups.push(dir);
    const r = await builder([
      '--linux', 'dir', '--config', 'electron-builder.yml', '--publish', 'never',
      `--config.electronDist=${electronStandIn(join(dir, 'electron'))}`, `--config.directories.output=${join(dir, 'out')}`,
      // No native modules to rebuild (the check would only load @electron/rebuild).
      '--config.npmRebuild=false',
    ], false, join(dir, 'tmp-dir'));
    assert.equal(r.code, 0, `electron-builder --dir failed:\n${r.output}`);
    assert.doesNotMatch(r.output, /is missed in the package\.json/, 'package.json has author and description');
    return { dir, unpacked: join(dir, 'out', 'linux-unpacked'), asar: require('@electron/asar') as Asar };
  })();
  return laidOut;
}

async function laid(t: TestContext): Promise<LaidOut | null> {
  const r = await layOut();
  if (typeof r === 'string') { t.skip(r); return null; }
  return r;
}

test('electron-builder lays out the app: the asar holds exactly what the app runs, with its source maps and packages', async (t) => {
  const l = await laid(t);
  if (!l) return;
  const { unpacked, asar } = l;
  const archive = join(unpacked, 'resources', 'app.asar');
  assert.ok(existsSync(join(unpacked, 'pieces-backup-tray')), 'the executable is named after executableName');
  const files = asar.listPackage(archive, { isPack: false }).map((f) => f.replace(/\\/g, '/'));
  const own = files.filter((f) => !f.startsWith('/node_modules/') && !/\/$/.test(f) && /\.[a-z]+$/.test(f)).sort();
  assert.deepEqual(own, [
    '/dist/electron/main.js', '/dist/electron/main.js.map',
    '/dist/preload/preload.cjs', '/dist/preload/preload.cjs.map',
    '/dist/renderer/app.js', '/dist/renderer/app.js.map', '/dist/renderer/index.html', '/dist/renderer/styles.css',
    '/package.json',
  ]);
  for (const f of own.filter((x) => /\.(c?js)$/.test(x))) {
    const m = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(asar.extractFile(archive, f.slice(1)).toString('utf8'));
    if (m) assert.ok(files.includes(join(f, '..', m[1]!).replace(/\\/g, '/')), `${f} names ${m[1]}, which is packaged`);
  }
  // Every package the main process imports is in the asar (the bundle leaves them external).
  const main = asar.extractFile(archive, 'dist/electron/main.js').toString('utf8');
  const imported = new Set([...main.matchAll(/^import\s[^'"]*?['"]([^'"./][^'"]*)['"]/gm)].map((m) => m[1]!).filter((s) => !s.startsWith('node:') && s !== 'electron'));
  assert.ok(imported.size > 0, 'the main bundle imports packages');
  for (const spec of imported) {
    const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
    assert.ok(files.includes(`/node_modules/${name}/package.json`), `${name} is packaged`);
  }
  // Extra resources: the tray icons (PNG, ICO) and the app icon for the window and notifications.
  const resources = readdirSync(join(unpacked, 'resources')).sort();
  assert.ok(resources.includes('icon.png'), `resources: ${resources.join(', ')}`);
  const tray = readdirSync(join(unpacked, 'resources', 'tray'));
  for (const f of ['idle.png', 'idle@2x.png', 'trayTemplate.png', 'idle.ico', 'running.ico']) assert.ok(tray.includes(f), `tray/${f}`);
  const pkg = JSON.parse(asar.extractFile(archive, 'package.json').toString('utf8')) as Record<string, unknown>;
  assert.equal(pkg.main, 'dist/electron/main.js');
});

test('electron-builder makes the deb and the AppImage from that layout (past every configuration check)', async (t) => {
  const l = await laid(t);
  if (!l) return;
  const { unpacked } = l;
  const out = join(l.dir, 'packages');
  const [deb, appImage] = await Promise.all(['deb', 'AppImage'].map((target) =>
    builder(['--prepackaged', unpacked, '--linux', target, '--config', 'electron-builder.yml', '--publish', 'never', `--config.directories.output=${out}`], true, join(l.dir, `tmp-${target}`))));
  const skipped: string[] = [];
  for (const [target, r, artifact] of [['deb', deb!, /\.deb$/], ['AppImage', appImage!, /\.AppImage$/]] as const) {
    assert.doesNotMatch(r.output, /Please specify|is missed|is required|InvalidConfigurationError/, `${target}: configuration problem:\n${r.output}`);
    assert.match(r.output, new RegExp(`building\\s+target=${target}`), `${target}: electron-builder got to building it:\n${r.output}`);
    if (r.offline) { skipped.push(`${target} passed the configuration checks; ${r.offline}`); continue; }
    if (r.code !== 0 && NETWORK_ERRORS.test(r.output)) { skipped.push(`${target} passed the configuration checks, then could not download its tool (${NETWORK_ERRORS.exec(r.output)![0]})`); continue; }
    assert.equal(r.code, 0, `${target} failed:\n${r.output}`);
    assert.ok(readdirSync(out).some((f) => artifact.test(f)), `${target} package written: ${readdirSync(out).join(', ')}`);
  }
  if (skipped.length) {
    const reason = `packaging stopped for lack of network: ${skipped.join('; ')}`;
    console.log(`# ${reason}`);
    t.skip(reason);
  }
});
