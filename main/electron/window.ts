// The one small window. Closing it destroys it (no hidden renderer lingers while idle); the
// tray opens a fresh one, which asks the core for the whole state at once on load.
import type { BrowserWindowConstructorOptions, Event } from 'electron';
import type { ElectronDeps, ParentWindow, WindowLike } from './deps.js';
import type { WindowView } from '../ipc/contract.js';
import { APP_ORIGIN } from './security.js';

export type WindowSection = WindowView;

export interface WindowSetup {
  preloadPath: string;
  title: string;
  iconPath?: string | undefined;
  /** Linux: the menu bar stays visible, since it carries Quit (see app.ts). */
  showMenuBar?: boolean;
  /** Packaged: no DevTools at all (a stray shortcut must not open them). */
  devTools?: boolean;
}

export function windowOptions(opts: WindowSetup): BrowserWindowConstructorOptions {
  return {
    width: 460,
    height: 640,
    minWidth: 360,
    minHeight: 420,
    show: false,
    title: opts.title,
    // Only hides a menu bar (Alt shows it): the menus themselves are set in app.ts.
    autoHideMenuBar: !opts.showMenuBar,
    ...(opts.iconPath ? { icon: opts.iconPath } : {}),
    webPreferences: {
      preload: opts.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: opts.devTools ?? true,
    },
  };
}

export function windowUrl(section?: WindowSection): string {
  return `${APP_ORIGIN}/index.html${section ? `#${section}` : ''}`;
}

export interface WindowManager {
  /** Show the window, creating it if needed. */
  open(section?: WindowSection): WindowLike;
  /** The open window, if any (for event relaying). */
  current(): WindowLike | null;
}

/**
 * The page's beforeunload handler (renderer/views/settings-form.ts) cancels closing the window
 * while Settings has unsaved changes. A browser then asks; Electron does not: it only emits
 * 'will-prevent-unload' and keeps the window open in silence. Electron's docs (webContents, "Event:
 * 'will-prevent-unload'", https://www.electronjs.org/docs/latest/api/web-contents#event-will-prevent-unload):
 * "Emitted when a `beforeunload` event handler is attempting to cancel a page unload. Calling
 * `event.preventDefault()` will ignore the `beforeunload` event handler and allow the page to be
 * unloaded." So main asks, with a synchronous message box (the event needs the answer at once).
 */
export function confirmUnload(dialog: NonNullable<ElectronDeps['dialog']> | undefined, win: ParentWindow): (event: Event) => void {
  return (event) => {
    // No dialog to ask with: closing wins over a window that cannot be closed.
    // The window is the box's parent (Electron's docs, dialog.showMessageBoxSync([window, ]options),
    // https://www.electronjs.org/docs/latest/api/dialog#dialogshowmessageboxsyncwindow-options:
    // "The `window` argument allows the dialog to attach itself to a parent window, making it
    // modal"): on macOS a sheet on the window being closed, not a free-floating box that can end
    // up behind it while the window waits for the answer.
    const choice = dialog
      ? dialog.showMessageBoxSync(win, {
        type: 'question',
        title: 'Pieces Backup',
        message: 'Your changes to Settings are not saved.',
        detail: 'Close the window without saving them, or keep editing and press Save settings.',
        buttons: ['Close without saving', 'Keep editing'],
        defaultId: 1,
        cancelId: 1,
        noLink: true,
      })
      : 0;
    if (choice === 0) event.preventDefault();
  };
}

export function createWindowManager(
  deps: Pick<ElectronDeps, 'BrowserWindow' | 'dialog'>,
  opts: WindowSetup & { onError?: (e: unknown) => void; onCreated?: (w: WindowLike) => void },
): WindowManager {
  let win: WindowLike | null = null;
  const alive = (): WindowLike | null => (win && !win.isDestroyed() ? win : null);
  return {
    open(section) {
      const existing = alive();
      if (existing) {
        if (existing.isMinimized()) existing.restore();
        existing.show();
        existing.focus();
        // Already loaded: ask the page to switch views rather than reloading it.
        if (section) existing.webContents.send('event:navigate', { view: section });
        return existing;
      }
      const w = new deps.BrowserWindow(windowOptions(opts));
      win = w;
      opts.onCreated?.(w);
      w.on('closed', () => { if (win === w) win = null; });
      // Keep our title (it may say "Emulator") instead of the page's <title>.
      w.on('page-title-updated', (event) => event.preventDefault());
      w.webContents.on?.('will-prevent-unload', confirmUnload(deps.dialog, w));
      w.once('ready-to-show', () => w.show());
      w.loadURL(windowUrl(section)).catch((e: unknown) => opts.onError?.(e));
      return w;
    },
    current: alive,
  };
}
