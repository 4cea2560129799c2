// A backup's platform as people name it, the same in the window and the CLI. PiecesOS sends
// upper-case enum values (MACOS, LINUX, WINDOWS…). Plain TypeScript: the window bundles it too.

const PLATFORM_NAMES: Record<string, string> = {
  MACOS: 'macOS', LINUX: 'Linux', WINDOWS: 'Windows', WEB: 'Web', FUCHSIA: 'Fuchsia', IOS: 'iOS', ANDROID: 'Android', UNKNOWN: 'Unknown',
};

/** "macOS" for MACOS; "Unknown" for anything this app does not know (never a server's raw text). */
export function platformName(p: string): string {
  return Object.hasOwn(PLATFORM_NAMES, p) ? PLATFORM_NAMES[p]! : 'Unknown';
}
