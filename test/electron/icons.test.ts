import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { TRAY_ICONS, TRAY_PHASES, trayIconDir, trayIconFile } from '../../main/electron/tray-icons.js';

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
  assert.equal(trayIconFile('bogus' as never, 'win32'), 'idle.ico');
  assert.equal(trayIconFile('running', 'win32'), 'running.ico', 'Windows: ICOs, sharp at 125–150 % scaling');
  assert.equal(trayIconDir({ packaged: true, resourcesPath: '/r', appRoot: '/a' }), join('/r', 'tray'));
});

test('waiting for another process shows the paused icon (held up, not failed), on macOS too', () => {
  assert.equal(trayIconFile('waiting', 'linux'), 'paused.png');
  assert.equal(trayIconFile('waiting', 'darwin'), 'paused.png');
  assert.equal(trayIconFile('waiting', 'win32'), 'paused.ico');
});

/** The images of an ICO file: each entry's declared size and its PNG (build/make-icons.ts stores PNGs). */
function readIco(path: string): { size: number; png: { width: number; height: number } }[] {
  const buf = readFileSync(path);
  assert.deepEqual([buf.readUInt16LE(0), buf.readUInt16LE(2)], [0, 1], `${path} is not an ICO`);
  const out = [];
  for (let i = 0; i < buf.readUInt16LE(4); i++) {
    const e = 6 + i * 16;
    const size = buf[e] === 0 ? 256 : buf[e]!;
    assert.equal(buf[e + 1] === 0 ? 256 : buf[e + 1], size, 'square');
    assert.equal(buf.readUInt16LE(e + 6), 32, '32 bits per pixel');
    const bytes = buf.readUInt32LE(e + 8), offset = buf.readUInt32LE(e + 12);
    const data = buf.subarray(offset, offset + bytes);
    assert.equal(data.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', 'a PNG entry');
    out.push({ size, png: { width: data.readUInt32BE(16), height: data.readUInt32BE(20) } });
  }
  return out;
}

test('Windows: the app icon is an ICO with 16, 20, 24, 32, 48 and 256 px; each tray state an ICO with 16, 20, 24 and 32 px', () => {
  const app = readIco(join(root, 'build/icon.ico'));
  assert.deepEqual(app.map((e) => e.size), [16, 20, 24, 32, 48, 256]);
  for (const e of app) assert.deepEqual([e.png.width, e.png.height], [e.size, e.size]);
  for (const name of TRAY_ICONS) {
    const tray = readIco(join(root, 'build/tray', `${name}.ico`));
    assert.deepEqual(tray.map((e) => e.size), [16, 20, 24, 32], name);
    for (const e of tray) assert.deepEqual([e.png.width, e.png.height], [e.size, e.size]);
  }
});
