// The Electron APIs the wiring uses, as narrow slices of Electron's own types. The wiring takes
// them as a parameter: main.ts passes the real modules and tests pass a recording stand-in;
// tsc checks both against electron.d.ts (main.ts and the stand-in use `satisfies ElectronDeps`).
import type {
  App, BaseWindow, BrowserWindow, BrowserWindowConstructorOptions, Details, Event, IpcMain, Menu, MenuItemConstructorOptions, MessageBoxSyncOptions, Notification,
  NotificationConstructorOptions, Protocol, RenderProcessGoneDetails, Session, Shell, Tray, WebContents,
} from 'electron';

/**
 * One event subscription. Electron's `on` returns `this` (the whole class), which no stand-in
 * could satisfy; the wiring never chains, so the slices declare the events they use and `unknown`.
 */
export type Listen<E extends string, L> = (event: E, listener: L) => unknown;

export type WebContentsLike = Pick<WebContents, 'send' | 'isDestroyed' | 'reload'> & {
  /** A page's beforeunload handler cancels an unload (the window's unsaved settings). */
  on?: Listen<'will-prevent-unload', (event: Event) => void>;
};

/** A built menu: the tray watches it open and close so it is never rebuilt under the pointer. */
export type MenuLike = Pick<Menu, 'getMenuItemById'> & {
  on: Listen<'menu-will-show', (event: Event) => void> & Listen<'menu-will-close', (event: Event) => void>;
};

export type WindowLike = Pick<BrowserWindow, 'loadURL' | 'show' | 'focus' | 'restore' | 'isMinimized' | 'isDestroyed'> & {
  /** Linux and Windows: the window's own menu bar (Electron's `win.setMenu`). */
  setMenu(menu: MenuLike | null): void;
  readonly webContents: WebContentsLike;
  on: Listen<'closed', () => void> & Listen<'page-title-updated', (event: Event, title: string) => void>;
  once: Listen<'ready-to-show', () => void>;
};

/** The window a message box attaches to: a slice of Electron's BaseWindow, which every
 * BrowserWindow (so every WindowLike) is; Electron's own `dialog` takes it where a BaseWindow goes. */
export type ParentWindow = Pick<BaseWindow, 'isDestroyed' | 'show' | 'focus'>;

export type TrayLike = Pick<Tray, 'setImage' | 'setToolTip' | 'setTitle' | 'destroy'> & {
  setContextMenu(menu: MenuLike | null): void;
  on: Listen<'click', () => void>;
};

export type NotificationLike = Pick<Notification, 'show'> & { on: Listen<'click', () => void> & Listen<'close', () => void> };

export type AppLike = Pick<App, 'requestSingleInstanceLock' | 'whenReady' | 'quit' | 'exit' | 'setLoginItemSettings' | 'setAppUserModelId'> & {
  readonly dock?: Pick<NonNullable<App['dock']>, 'hide'> | undefined;
  /** The OS's regional format (after ready); optional so a stand-in may leave it out. */
  getSystemLocale?: App['getSystemLocale'];
  on: Listen<'before-quit', (event: Event) => void>
    & Listen<'second-instance', () => void>
    & Listen<'window-all-closed', () => void>
    & Listen<'web-contents-created', (event: Event, contents: WebContents) => void>
    & Listen<'activate', (event: Event, hasVisibleWindows: boolean) => void>
    & Listen<'render-process-gone', (event: Event, webContents: WebContents, details: RenderProcessGoneDetails) => void>
    & Listen<'child-process-gone', (event: Event, details: Details) => void>;
};

export interface ElectronDeps {
  app: AppLike;
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => WindowLike;
  Tray: new (image: string) => TrayLike;
  Menu: {
    buildFromTemplate(template: MenuItemConstructorOptions[]): MenuLike;
    setApplicationMenu(menu: MenuLike | null): void;
  };
  Notification: (new (options: NotificationConstructorOptions) => NotificationLike) & Pick<typeof Notification, 'isSupported'>;
  // electron.d.ts types the 'shutdown' listener without arguments, yet documents that it may call
  // `e.preventDefault()`: the listener takes whatever it is given and checks.
  powerMonitor: { on: Listen<'resume', () => void> & Listen<'shutdown', (...args: unknown[]) => void> };
  shell: Pick<Shell, 'openPath'>;
  /** Asks before closing a window with unsaved settings (optional: without it the page's
   * beforeunload is ignored and the window closes, rather than refusing to close in silence). */
  dialog?: { showMessageBoxSync(window: ParentWindow, options: MessageBoxSyncOptions): number };
  protocol: Pick<Protocol, 'handle' | 'registerSchemesAsPrivileged'>;
  session: {
    defaultSession: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'> & {
      webRequest: Pick<Session['webRequest'], 'onHeadersReceived'>;
    };
  };
}
