// What `npm start` (scripts/start.mjs, plain Node) needs from the app's own modules, built into
// dist/launcher.js so the launcher finds PiecesOS and the settings folder exactly as the app does.
import { resolveBaseUrl, DEFAULT_PORTS, LEGACY_PORTS } from '../api/discovery.js';
import { defaultConfigDir } from '../settings/paths.js';
import { savedPiecesOsUrl } from '../settings/saved-url.js';
import { DEMO_MODE_TEXT } from '../shared/status-text.js';

// DEMO_MODE_TEXT: npm start's first line when it falls back to the emulator, in the window's words.
export { defaultConfigDir, savedPiecesOsUrl, DEMO_MODE_TEXT };

/** PiecesOS's address (PIECES_OS_URL, else discovered), or null when none answers.
 * `portsOverride`: a comma-separated list of ports to probe instead of the usual ones ('' = none). */
export async function findPiecesOs(env: Record<string, string | undefined>, portsOverride?: string): Promise<string | null> {
  const ports =
    portsOverride === undefined
      ? undefined
      : portsOverride.split(',').map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n > 0 && n < 65536);
  try {
    const found = await resolveBaseUrl({
      env,
      ...(ports === undefined ? { ports: [...DEFAULT_PORTS], fallbackPorts: [...LEGACY_PORTS] } : { ports, fallbackPorts: [] }),
    });
    return found.url;
  } catch {
    return null;
  }
}
