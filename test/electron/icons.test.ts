import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { TRAY_PHASES, trayIconDir, trayIconFile } from '../../main/electron/tray-icons.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Reads an 8-bit RGBA, non-interlaced PNG written by build/make-icons.ts (filter 0 rows). */
function readPng(path: string): { width: number; height: number; pixels: Buffer } {
  const buf = readFileSync(path);
  assert.equal(buf.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', `${path} is not a PNG`);
  let off = 8, width = 0, height = 0;
  const idat: Buffer[] = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off), type = buf.toString('latin1', off + 4, off + 8), data = buf.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') { width = data.readUInt32BE(0); height = data.readUInt32BE(4); assert.equal(data[8], 8); assert.equal(data[9], 6); }
    if (type === 'IDAT') idat.push(data);
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const pixels = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    assert.equal(raw[y * (width * 4 + 1)], 0, 'unexpected PNG filter');
    raw.copy(pixels, y * width * 4, y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1));
  }
  return { width, height, pixels };
}

test('every state has a 16 px and a 32 px (@2x) tray icon, plus the macOS template', () => {
  const dir = trayIconDir({ packaged: false, resourcesPath: '/nowhere', appRoot: root });
  for (const name of [...TRAY_PHASES, 'trayTemplate']) {
    for (const [suffix, size] of [['', 16], ['@2x', 32]] as const) {
      const p = join(dir, `${name}${suffix}.png`);
      assert.ok(existsSync(p), `${p} is missing: run npx tsx build/make-icons.ts`);
      const png = readPng(p);
      assert.deepEqual([png.width, png.height], [size, size], p);
      let opaque = 0;
      for (let i = 3; i < png.pixels.length; i += 4) if (png.pixels[i]! > 200) opaque++;
      assert.ok(opaque > size * size * 0.2, `${p} is nearly empty`);
    }
  }
});

test('the template image is black and alpha only', () => {
  const { pixels } = readPng(join(root, 'build/tray/trayTemplate@2x.png'));
  for (let i = 0; i < pixels.length; i += 4) if (pixels[i + 3]! > 0) assert.deepEqual([...pixels.subarray(i, i + 3)], [0, 0, 0]);
});

test('the app icon is 512 × 512', () => {
  const { width, height } = readPng(join(root, 'build/icon.png'));
  assert.deepEqual([width, height], [512, 512]);
});

test('icon choice per platform and location', () => {
  assert.equal(trayIconFile('idle', 'darwin'), 'trayTemplate.png');
  assert.equal(trayIconFile('error', 'darwin'), 'error.png');
  assert.equal(trayIconFile('idle', 'linux'), 'idle.png');
  assert.equal(trayIconFile('bogus' as never, 'win32'), 'idle.png');
  assert.equal(trayIconDir({ packaged: true, resourcesPath: '/r', appRoot: '/a' }), join('/r', 'tray'));
});

test('waiting for another process shows the paused icon (held up, not failed), on macOS too', () => {
  assert.equal(trayIconFile('waiting', 'linux'), 'paused.png');
  assert.equal(trayIconFile('waiting', 'darwin'), 'paused.png');
  assert.equal(trayIconFile('waiting', 'win32'), 'paused.png');
});
