// The Electron APIs the wiring uses, as narrow slices of Electron's own types. The wiring takes
// them as a parameter: main.ts passes the real modules and tests pass a recording stand-in;
// tsc checks both against electron.d.ts (main.ts and the stand-in use `satisfies ElectronDeps`).
import type {
  App, BrowserWindow, BrowserWindowConstructorOptions, Event, IpcMain, Menu, Notification, NotificationConstructorOptions,
  Protocol, Session, Tray, WebContents,
} from 'electron';

/**
 * One event subscription. Electron's `on` returns `this` (the whole class), which no stand-in
 * could satisfy; the wiring never chains, so the slices declare the events they use and `unknown`.
 */
export type Listen<E extends string, L> = (event: E, listener: L) => unknown;

export type WebContentsLike = Pick<WebContents, 'send' | 'isDestroyed'>;

export type WindowLike = Pick<BrowserWindow, 'loadURL' | 'show' | 'focus' | 'restore' | 'isMinimized' | 'isDestroyed'> & {
  readonly webContents: WebContentsLike;
  on: Listen<'closed', () => void> & Listen<'page-title-updated', (event: Event, title: string) => void>;
  once: Listen<'ready-to-show', () => void>;
};

export type TrayLike = Pick<Tray, 'setImage' | 'setToolTip' | 'setContextMenu' | 'destroy'> & { on: Listen<'click', () => void> };

export type NotificationLike = Pick<Notification, 'show'> & { on: Listen<'click', () => void> & Listen<'close', () => void> };

export type AppLike = Pick<App, 'requestSingleInstanceLock' | 'whenReady' | 'quit' | 'exit' | 'setLoginItemSettings' | 'setAppUserModelId'> & {
  readonly dock?: Pick<NonNullable<App['dock']>, 'hide'> | undefined;
  on: Listen<'before-quit', (event: Event) => void>
    & Listen<'second-instance', () => void>
    & Listen<'window-all-closed', () => void>
    & Listen<'web-contents-created', (event: Event, contents: WebContents) => void>;
};

export interface ElectronDeps {
  app: AppLike;
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => WindowLike;
  Tray: new (image: string) => TrayLike;
  Menu: Pick<typeof Menu, 'buildFromTemplate'>;
  Notification: (new (options: NotificationConstructorOptions) => NotificationLike) & Pick<typeof Notification, 'isSupported'>;
  powerMonitor: { on: Listen<'resume', () => void> };
  protocol: Pick<Protocol, 'handle' | 'registerSchemesAsPrivileged'>;
  session: {
    defaultSession: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'> & {
      webRequest: Pick<Session['webRequest'], 'onHeadersReceived'>;
    };
  };
}
