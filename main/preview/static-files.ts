// Serving the built renderer: a fixed set of file names from one folder (no paths, so no
// traversal), index.html with the preview bridge injected before app.js.
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export { PREVIEW_CSP as CSP } from '../shared/csp.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** `/app.js` → `app.js`; anything with a folder, dots up front or an unknown type → null. */
export function staticName(urlPath: string): string | null {
  const name = urlPath === '/' ? 'index.html' : urlPath.slice(1);
  if (!/^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/.test(name)) return null;
  return TYPES[path.extname(name)] ? name : null;
}

/** Put the preview bridge in front of app.js so `window.piecesBackup` exists when the app starts. */
export function injectBridge(html: string): string {
  const tag = '<script src="/preview-bridge.js"></script>';
  const at = html.search(/<script[^>]*\bsrc="\/?app\.js"/);
  return at < 0 ? html.replace('</head>', `${tag}\n</head>`) : `${html.slice(0, at)}${tag}\n  ${html.slice(at)}`;
}

export async function loadStatic(dir: string, name: string): Promise<{ body: Buffer; type: string } | null> {
  try {
    let body = await readFile(path.join(dir, name));
    if (name === 'index.html') body = Buffer.from(injectBridge(body.toString('utf8')));
    return { body, type: TYPES[path.extname(name)]! };
  } catch {
    return null;
  }
}
