// Validates electron-builder.yml against electron-builder's own JSON schema (app-builder-lib's
// scheme.json). ajv and js-yaml come transitively with electron-builder; if a future install
// drops them the test skips with the reason instead of failing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('../../', import.meta.url));
const require = createRequire(import.meta.url);

function load<T>(id: string): T | null {
  try { return require(id) as T; } catch { return null; }
}

type AjvCtor = new (opts: object) => { compile(schema: object): ((data: unknown) => boolean) & { errors?: unknown[] | null } };
type Yaml = { load(src: string): unknown };

test('electron-builder.yml is valid against electron-builder\'s configuration schema', (t) => {
  const schemaPath = join(root, 'node_modules/app-builder-lib/scheme.json');
  const AjvMod = load<{ default?: AjvCtor } & AjvCtor>('ajv');
  const yaml = load<Yaml>('js-yaml');
  if (!existsSync(schemaPath) || !AjvMod || !yaml) return t.skip('app-builder-lib/scheme.json, ajv or js-yaml is not installed');
  const Ajv = AjvMod.default ?? AjvMod;
  const validate = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true }).compile(JSON.parse(readFileSync(schemaPath, 'utf8')));
  const config = yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, any>;
  assert.ok(validate(config), JSON.stringify(validate.errors, null, 2));

  // And the parts the issue asks for.
  assert.equal(config.productName, 'Pieces Backup');
  assert.match(String(config.appId), /^[a-z0-9.-]+$/);
  const targets = (p: string) => (config[p].target as (string | { target: string })[]).map((x) => (typeof x === 'string' ? x : x.target));
  assert.deepEqual(targets('linux').sort(), ['AppImage', 'deb']);
  assert.deepEqual(targets('mac'), ['dmg']);
  assert.deepEqual(targets('win'), ['nsis']);
  assert.ok(config.extraResources.some((r: { from: string; to: string }) => r.from === 'build/tray' && r.to === 'tray'), 'tray icons ship as extra resources');
  assert.equal(config.mac.extendInfo.LSUIElement, true);

  // The schema itself rejects nonsense, so the check above means something.
  assert.equal(validate({ ...config, linux: { target: 42 } }), false);
  assert.equal(validate({ ...config, notAnOption: true }), false);
});
