// Electron's security checklist, in one place: the window's code is served from a custom
// `app://` origin (not file://) with a strict Content-Security-Policy header, navigation and
// new windows are refused, every permission request is denied, and IPC answers only our page.
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { Event, HandlerDetails, WebContents, WebFrameMain, WindowOpenHandlerResponse } from 'electron';
import type { ElectronDeps, Listen } from './deps.js';
import { APP_CSP } from '../shared/csp.js';

export const APP_SCHEME = 'app';
export const APP_HOST = 'bundle';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** No inline script, no eval, nothing remote; the page talks to main only through the preload. */
export const CONTENT_SECURITY_POLICY = APP_CSP;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.png': 'image/png', '.svg': 'image/svg+xml', '.json': 'application/json', '.map': 'application/json',
};

/** The file under `root` an app:// URL names, or null for anything outside it or malformed. */
export function bundlePath(root: string, rawUrl: string): string | null {
  let url: URL;
  try { url = new URL(rawUrl); } catch { return null; }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null;
  let rel: string;
  try { rel = decodeURIComponent(url.pathname); } catch { return null; }
  if (rel.includes('\0')) return null;
  const full = normalize(join(root, rel === '/' ? 'index.html' : rel));
  return full.startsWith(normalize(root) + sep) ? full : null;
}

/** Answers one app:// request from the bundle, always with the CSP header. */
export async function serveBundle(root: string, request: { url: string; method: string }): Promise<Response> {
  const headers = { 'content-security-policy': CONTENT_SECURITY_POLICY, 'x-content-type-options': 'nosniff' };
  const file = request.method === 'GET' || request.method === 'HEAD' ? bundlePath(root, request.url) : null;
  if (!file) return new Response('Not found', { status: 404, headers });
  try {
    const body = await readFile(file);
    return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers: { ...headers, 'content-type': MIME[extname(file)] ?? 'application/octet-stream' } });
  } catch {
    return new Response('Not found', { status: 404, headers });
  }
}

/** Must run before `app.whenReady()`: lets app:// behave as a secure, standard origin. */
export function registerAppScheme(protocol: ElectronDeps['protocol']): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: false } }]);
}

export function installSessionSecurity(deps: Pick<ElectronDeps, 'session' | 'protocol'>, bundleRoot: string): void {
  const ses = deps.session.defaultSession;
  deps.protocol.handle(APP_SCHEME, (request) => serveBundle(bundleRoot, request));
  // Belt and braces: any other response a page might get also carries the policy.
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
}

export const denyWindowOpen = (_details: HandlerDetails): WindowOpenHandlerResponse => ({ action: 'deny' });

export type HardenableContents = Pick<WebContents, 'setWindowOpenHandler'> & {
  on: Listen<'will-navigate', (event: Event) => void> & Listen<'will-redirect', (event: Event) => void> & Listen<'will-attach-webview', (event: Event) => void>;
};

/** For `app.on('web-contents-created')`: no navigation away, no new windows, no webviews. */
export function hardenWebContents(contents: HardenableContents): void {
  contents.on('will-navigate', (event: Event) => event.preventDefault());
  contents.on('will-redirect', (event: Event) => event.preventDefault());
  contents.on('will-attach-webview', (event: Event) => event.preventDefault());
  contents.setWindowOpenHandler(denyWindowOpen);
}

/** IPC is answered only for our own page's main frame. */
export function isTrustedSender(frame: Pick<WebFrameMain, 'url'> | null | undefined): boolean {
  if (!frame) return false;
  try {
    const u = new URL(frame.url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}
