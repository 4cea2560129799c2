// A RECORDING STAND-IN for the Electron APIs the wiring uses (see main/electron/deps.ts). Not
// Electron: it records calls and lets tests fire events. `satisfies ElectronDeps` at the bottom
// makes tsc check it against electron.d.ts, so it cannot drift from the real API shape.
import { EventEmitter } from 'node:events';
import type { BrowserWindowConstructorOptions, MenuItem, MenuItemConstructorOptions, NotificationConstructorOptions } from 'electron';
import type { ElectronDeps } from '../../main/electron/deps.js';

type Listener = (...args: any[]) => unknown;

export class StandInEvent {
  defaultPrevented = false;
  preventDefault(): void { this.defaultPrevented = true; }
}

export class StandInWebContents extends EventEmitter {
  sent: [string, unknown][] = [];
  reloads = 0;
  destroyed = false;
  reload(): void { this.reloads++; }
  windowOpenHandler: Listener | null = null;
  send(channel: string, ...args: unknown[]): void { this.sent.push([channel, args[0]]); }
  isDestroyed(): boolean { return this.destroyed; }
  setWindowOpenHandler(handler: Listener): void { this.windowOpenHandler = handler; }
}

export class StandInBrowserWindow extends EventEmitter {
  static instances: StandInBrowserWindow[] = [];
  readonly webContents = new StandInWebContents();
  loaded: string[] = [];
  /** What setMenu was given: the template of a stand-in menu, or null. */
  menus: (MenuItemConstructorOptions[] | null)[] = [];
  calls: string[] = [];
  destroyed = false;
  constructor(readonly options: BrowserWindowConstructorOptions) {
    super();
    StandInBrowserWindow.instances.push(this);
  }
  loadURL(url: string): Promise<void> { this.loaded.push(url); return Promise.resolve(); }
  show(): void { this.calls.push('show'); }
  focus(): void { this.calls.push('focus'); }
  restore(): void { this.calls.push('restore'); }
  isMinimized(): boolean { return false; }
  isDestroyed(): boolean { return this.destroyed; }
  setMenu(menu: StandInMenu | null): void { this.menus.push(menu ? menu.template : null); }
  /** What Electron does when the person closes it (the app does not intercept 'close'). */
  simulateClose(): void {
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
}

export class StandInTray extends EventEmitter {
  static instances: StandInTray[] = [];
  images: string[] = [];
  tooltips: string[] = [];
  titles: string[] = [];
  /** The template of every menu set, in order; `menuObjects` the menus themselves (to open and close). */
  menus: MenuItemConstructorOptions[][] = [];
  menuObjects: StandInMenu[] = [];
  destroyed = false;
  constructor(image: string) { super(); this.images.push(image); StandInTray.instances.push(this); }
  setImage(image: string): void { this.images.push(image); }
  setToolTip(t: string): void { this.tooltips.push(t); }
  setTitle(t: string): void { this.titles.push(t); }
  setContextMenu(menu: StandInMenu | null): void {
    if (!menu) return;
    this.menus.push(menu.template);
    this.menuObjects.push(menu);
  }
  destroy(): void { this.destroyed = true; }
}

/** A built menu: its template, and the 'menu-will-show' / 'menu-will-close' events a test fires. */
export class StandInMenu extends EventEmitter {
  static applicationMenus: (MenuItemConstructorOptions[] | null)[] = [];
  constructor(readonly template: MenuItemConstructorOptions[]) { super(); }
  static buildFromTemplate(template: MenuItemConstructorOptions[]): StandInMenu { return new StandInMenu(template); }
  static setApplicationMenu(menu: StandInMenu | null): void { StandInMenu.applicationMenus.push(menu ? menu.template : null); }
  getMenuItemById(id: string): MenuItem | null {
    const find = (items: MenuItemConstructorOptions[]): MenuItemConstructorOptions | undefined => {
      for (const i of items) {
        if (i.id === id) return i;
        const inner = Array.isArray(i.submenu) ? find(i.submenu as MenuItemConstructorOptions[]) : undefined;
        if (inner) return inner;
      }
      return undefined;
    };
    return (find(this.template) ?? null) as unknown as MenuItem | null;
  }
}

export class StandInNotification extends EventEmitter {
  static instances: StandInNotification[] = [];
  static supported = true;
  static isSupported(): boolean { return StandInNotification.supported; }
  shown = false;
  constructor(readonly options: NotificationConstructorOptions) { super(); StandInNotification.instances.push(this); }
  show(): void { this.shown = true; }
}

export class StandInApp extends EventEmitter {
  lock = true;
  quitCalls = 0;
  exited: number | undefined;
  loginItems: unknown[] = [];
  userModelId: string | null = null;
  dockHidden = false;
  readonly dock = { hide: (): void => { this.dockHidden = true; } };
  requestSingleInstanceLock(): boolean { return this.lock; }
  whenReady(): Promise<void> { return Promise.resolve(); }
  /** Like Electron: emits 'before-quit'; quitting goes on unless a listener prevents it. */
  quit(): void {
    this.quitCalls++;
    const e = new StandInEvent();
    this.emit('before-quit', e);
    if (!e.defaultPrevented) this.emit('quit');
  }
  exit(code?: number): void { this.exited = code ?? 0; this.emit('exited', this.exited); }
  setLoginItemSettings(s: unknown): void { this.loginItems.push(s); }
  setAppUserModelId(id: string): void { this.userModelId = id; }
}

export function createStandIn() {
  StandInBrowserWindow.instances = [];
  StandInTray.instances = [];
  StandInNotification.instances = [];
  StandInNotification.supported = true;
  StandInMenu.applicationMenus = [];
  const opened: string[] = [];
  const handlers = new Map<string, Listener>();
  const protocolHandlers = new Map<string, (req: Request) => Response | Promise<Response>>();
  const privileged: unknown[] = [];
  const session = {
    permissionRequest: null as Listener | null,
    permissionCheck: null as Listener | null,
    headersReceived: null as Listener | null,
  };
  const deps = {
    app: new StandInApp(),
    ipcMain: {
      handle(channel: string, listener: Listener): void {
        if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`); // as Electron does
        handlers.set(channel, listener);
      },
      removeHandler(channel: string): void { handlers.delete(channel); },
    },
    BrowserWindow: StandInBrowserWindow,
    Tray: StandInTray,
    Menu: StandInMenu,
    Notification: StandInNotification,
    powerMonitor: new EventEmitter(),
    shell: { openPath(path: string): Promise<string> { opened.push(path); return Promise.resolve(''); } },
    protocol: {
      handle(scheme: string, handler: (req: Request) => Response | Promise<Response>): void { protocolHandlers.set(scheme, handler); },
      registerSchemesAsPrivileged(schemes: unknown[]): void { privileged.push(...schemes); },
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler(h: Listener | null): void { session.permissionRequest = h; },
        setPermissionCheckHandler(h: Listener | null): void { session.permissionCheck = h; },
        webRequest: { onHeadersReceived(a: unknown, b?: unknown): void { session.headersReceived = (typeof a === "function" ? a : b) as Listener; } },
      },
    },
  } satisfies ElectronDeps;
  return { deps, handlers, protocolHandlers, privileged, session, opened };
}
