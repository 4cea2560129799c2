// The engine states and the rest of a TrayView that the tray menu and tooltip tests build on: a
// fixed "now" at 17:00 local time (so expectations hold in any time zone) and times on that day.
import type { ConnectionInfo, EngineState } from '../../main/engine/types.js';

/** 27 Nov 2026, 17:00 local time. */
export const now = new Date(2026, 10, 27, 17, 0, 0);

/** ISO time of `h`:`m` local time on now's day, or `dayOffset` days from it. */
export const at = (h: number, m: number, dayOffset = 0): string => new Date(2026, 10, 27 + dayOffset, h, m).toISOString();

/** Idle after a backup 5 minutes ago (12.3 MB), the next one at 18:00. */
export const idle: EngineState = {
  phase: 'idle', running: null, pausedUntil: null, lastError: null,
  lastSuccess: { at: at(16, 55), bytes: 12_300_000 }, nextRun: at(18, 0), retry: null,
};

/** Idle with nothing known yet: no backup made, none scheduled. */
export const blankIdle: EngineState = { phase: 'idle', running: null, pausedUntil: null, lastError: null, lastSuccess: null, nextRun: null, retry: null };

/** PiecesOS found and answering. */
export const conn: ConnectionInfo = { url: 'http://127.0.0.1:39300', source: 'discovered', version: '12.0.0', reachable: true };

export const settings = { startAtLogin: false };
