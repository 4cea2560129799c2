// Draws the tray icons (one per engine state, 1x = 16 px and @2x = 32 px, and for Windows an ICO
// of 16/20/24/32 px), the macOS template image (black + alpha) and the app icon: a 512 px PNG
// (Linux, and macOS's ICNS, which electron-builder makes from it) and an ICO of 16/20/24/32/48/256
// px for Windows. Writes them into build/.
// Run: `npx tsx build/make-icons.ts`. The output is committed; this is here so it can be redrawn.
// Shapes are tested per sub-pixel (4×4 samples) for anti-aliasing; PNG encoding is zlib + CRC.
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

type RGBA = [number, number, number, number];
/** A shape in unit coordinates: (0,0) top left, (1,1) bottom right. */
type Shape = (x: number, y: number) => boolean;
type Layer = { color: RGBA; shape: Shape };

const disc = (cx: number, cy: number, r: number): Shape => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const ring = (cx: number, cy: number, r: number, w: number): Shape => (x, y) => {
  const d = Math.hypot(x - cx, y - cy);
  return d <= r && d >= r - w;
};
/** A segment with round ends, `r` its half-width. */
const capsule = (ax: number, ay: number, bx: number, by: number, r: number): Shape => (x, y) => {
  const dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return (x - ax - t * dx) ** 2 + (y - ay - t * dy) ** 2 <= r * r;
};
const triangle = (ax: number, ay: number, bx: number, by: number, cx: number, cy: number): Shape => (x, y) => {
  const s = (px: number, py: number, qx: number, qy: number) => (x - qx) * (py - qy) - (px - qx) * (y - qy);
  const d1 = s(ax, ay, bx, by), d2 = s(bx, by, cx, cy), d3 = s(cx, cy, ax, ay);
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
};
const roundedSquare = (m: number, r: number): Shape => (x, y) => {
  const qx = Math.max(Math.abs(x - 0.5) - (0.5 - m - r), 0), qy = Math.max(Math.abs(y - 0.5) - (0.5 - m - r), 0);
  return Math.hypot(qx, qy) <= r;
};
const union = (...s: Shape[]): Shape => (x, y) => s.some((f) => f(x, y));

/** A downward arrow (shaft + head): "bring back from the backup". */
const downArrow = (cx: number, top: number, bottom: number, w: number): Shape =>
  union(capsule(cx, top, cx, bottom - w * 2, w / 2), triangle(cx, bottom, cx - w * 1.6, bottom - w * 2.2, cx + w * 1.6, bottom - w * 2.2));

/** An upward arrow (shaft + head): "send to backup". */
const upArrow = (cx: number, top: number, bottom: number, w: number): Shape =>
  union(capsule(cx, top + w * 2, cx, bottom, w / 2), triangle(cx, top, cx - w * 1.6, top + w * 2.2, cx + w * 1.6, top + w * 2.2));

function render(size: number, layers: Layer[]): Buffer {
  const SS = 4;
  const px = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let pxl = 0; pxl < size; pxl++) {
      let r = 0, g = 0, b = 0, a = 0; // premultiplied accumulation over sub-samples
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          const x = (pxl + (sx + 0.5) / SS) / size, y = (py + (sy + 0.5) / SS) / size;
          let cr = 0, cg = 0, cb = 0, ca = 0;
          for (const { color, shape } of layers) {
            if (!shape(x, y)) continue;
            const la = color[3] / 255; // "over" compositing
            cr = color[0] * la + cr * (1 - la); cg = color[1] * la + cg * (1 - la); cb = color[2] * la + cb * (1 - la);
            ca = la + ca * (1 - la);
          }
          r += cr; g += cg; b += cb; a += ca;
        }
      }
      const n = SS * SS, i = (py * size + pxl) * 4;
      px[i + 3] = Math.round((a / n) * 255);
      if (a > 0) { px[i] = Math.round(r / a); px[i + 1] = Math.round(g / a); px[i + 2] = Math.round(b / a); }
    }
  }
  return encodePng(size, size, px);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
export function encodePng(width: number, height: number, rgba: Buffer): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0); ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; ihdr[9] = 6; // 8-bit RGBA
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) rgba.copy(raw, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4); // filter 0
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/**
 * An ICO of PNG images (Windows Vista and later read PNG entries at any size). Each size is drawn
 * at that size, not scaled, so small ones stay sharp.
 */
export function encodeIco(images: { size: number; png: Buffer }[]): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0); header.writeUInt16LE(1, 2); header.writeUInt16LE(images.length, 4);
  let offset = 6 + 16 * images.length;
  const entries = images.map(({ size, png }) => {
    const e = Buffer.alloc(16);
    e[0] = size >= 256 ? 0 : size; e[1] = size >= 256 ? 0 : size; // 0 means 256
    e.writeUInt16LE(1, 4); e.writeUInt16LE(32, 6); // planes, bits per pixel
    e.writeUInt32LE(png.length, 8); e.writeUInt32LE(offset, 12);
    offset += png.length;
    return e;
  });
  return Buffer.concat([header, ...entries, ...images.map((i) => i.png)]);
}

export const APP_ICO_SIZES = [16, 20, 24, 32, 48, 256];
export const TRAY_ICO_SIZES = [16, 20, 24, 32];

const WHITE: RGBA = [255, 255, 255, 255];
const BLACK: RGBA = [0, 0, 0, 255];
const badge = (color: RGBA, glyph: Shape): Layer[] => [{ color, shape: disc(0.5, 0.5, 0.47) }, { color: WHITE, shape: glyph }];

export const TRAY_STATES = {
  idle: badge([46, 125, 50, 255], union(capsule(0.29, 0.52, 0.44, 0.67, 0.065), capsule(0.44, 0.67, 0.72, 0.36, 0.065))),
  running: badge([21, 101, 192, 255], upArrow(0.5, 0.2, 0.78, 0.14)),
  paused: badge([230, 140, 0, 255], union(capsule(0.38, 0.3, 0.38, 0.7, 0.07), capsule(0.62, 0.3, 0.62, 0.7, 0.07))),
  error: badge([198, 40, 40, 255], union(capsule(0.5, 0.24, 0.5, 0.56, 0.075), disc(0.5, 0.74, 0.08))),
  offline: badge([117, 117, 117, 255], union(capsule(0.3, 0.3, 0.7, 0.7, 0.07), capsule(0.3, 0.7, 0.7, 0.3, 0.07))),
  restoring: badge([106, 27, 154, 255], downArrow(0.5, 0.22, 0.8, 0.14)),
} satisfies Record<string, Layer[]>;

/** macOS template: black + alpha only; the system tints it for light and dark menu bars. */
const TEMPLATE: Layer[] = [{ color: BLACK, shape: union(ring(0.5, 0.5, 0.47, 0.11), upArrow(0.5, 0.22, 0.76, 0.13)) }];
const APP_ICON: Layer[] = [
  { color: [21, 101, 192, 255], shape: roundedSquare(0.06, 0.18) },
  { color: WHITE, shape: ring(0.5, 0.5, 0.32, 0.05) },
  { color: WHITE, shape: upArrow(0.5, 0.28, 0.7, 0.07) },
];

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const here = dirname(fileURLToPath(import.meta.url));
  mkdirSync(join(here, 'tray'), { recursive: true });
  for (const [name, layers] of Object.entries(TRAY_STATES)) {
    writeFileSync(join(here, 'tray', `${name}.png`), render(16, layers));
    writeFileSync(join(here, 'tray', `${name}@2x.png`), render(32, layers));
    writeFileSync(join(here, 'tray', `${name}.ico`), encodeIco(TRAY_ICO_SIZES.map((size) => ({ size, png: render(size, layers) }))));
  }
  writeFileSync(join(here, 'tray', 'trayTemplate.png'), render(16, TEMPLATE));
  writeFileSync(join(here, 'tray', 'trayTemplate@2x.png'), render(32, TEMPLATE));
  writeFileSync(join(here, 'icon.png'), render(512, APP_ICON));
  writeFileSync(join(here, 'icon.ico'), encodeIco(APP_ICO_SIZES.map((size) => ({ size, png: render(size, APP_ICON) }))));
  console.log(`icons written to ${here}`);
}
export { render };
