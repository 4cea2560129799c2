// The app's own menus, as templates (tested as data). None has View → Reload or Toggle Developer
// Tools, which Electron's default menu would bring to a production window.
import type { MenuItemConstructorOptions } from 'electron';

/** macOS: the app menu with Quit (Cmd-Q) and Edit (copy and paste in the window's fields). */
export function applicationMenu(): MenuItemConstructorOptions[] {
  return [
    {
      label: 'Pieces Backup',
      submenu: [{ role: 'about' }, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }],
    },
    { role: 'editMenu' },
  ];
}

/** Linux: the window's menu bar, so Quit is there even where no tray icon can be shown. */
export function windowMenu(quit: () => void): MenuItemConstructorOptions[] {
  return [{ label: '&File', submenu: [{ id: 'quit', label: 'Quit Pieces Backup', accelerator: 'CmdOrCtrl+Q', click: () => quit() }] }];
}
