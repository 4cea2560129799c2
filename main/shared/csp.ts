// The window's Content-Security-Policy, in one place: no inline script, no eval, nothing remote.
// The only difference between the app and the preview is where the page may connect.
const COMMON = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
];

/** In Electron the page talks to main only through the preload: no network at all. */
export const APP_CSP = [...COMMON, "connect-src 'none'", "frame-ancestors 'none'"].join('; ');

/** The preview's bridge reaches its own origin (fetch + EventSource). */
export const PREVIEW_CSP = [...COMMON, "connect-src 'self'", "frame-ancestors 'none'"].join('; ');

/** What renderer/index.html's meta tag must say (a test keeps it equal): the preview's policy
 * less frame-ancestors, which a meta tag cannot carry. In Electron both apply, so 'none' wins. */
export const PAGE_META_CSP = [...COMMON, "connect-src 'self'"].join('; ');
