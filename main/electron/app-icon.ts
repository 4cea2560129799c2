// The app icon for the window and notifications (not the tray's small state badges). Built by
// build/make-icons.ts; shipped beside the tray icons as extra resources (electron-builder.yml).
import { join } from 'node:path';

export interface IconPlace {
  platform: NodeJS.Platform;
  packaged: boolean;
  resourcesPath: string;
  appRoot: string;
}

/** Where build/'s icons are at run time: the project in development, <resources> once packaged. */
function iconFile(place: IconPlace, name: string): string {
  return place.packaged ? join(place.resourcesPath, name) : join(place.appRoot, 'build', name);
}

/**
 * The window's icon. electron.d.ts, BrowserWindowConstructorOptions.icon: "On Windows it is
 * recommended to use ICO icons to get best visual effects, you can also leave it undefined so the
 * executable's icon will be used" — the packaged .exe carries build/icon.ico. macOS takes the
 * bundle's icon (ICNS, made by electron-builder). Linux needs a PNG.
 */
export function windowIconPath(place: IconPlace): string | undefined {
  if (place.platform === 'darwin') return undefined;
  if (place.platform === 'win32') return place.packaged ? undefined : iconFile(place, 'icon.ico');
  return iconFile(place, 'icon.png');
}

/** The notifications' icon: the app's own on macOS (none given), the PNG elsewhere. */
export function notificationIconPath(place: IconPlace): string | undefined {
  return place.platform === 'darwin' ? undefined : iconFile(place, 'icon.png');
}
