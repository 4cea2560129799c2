// The tray's context menu and tooltip as pure functions of the engine state, the settings and
// the clock. Items carry an `action` name instead of a click handler, so this module has no
// Electron at run time and is unit-tested as data; tray.ts turns actions into clicks.
import type { MenuItemConstructorOptions } from 'electron';
import type { ConnectionInfo, EngineState } from '../engine/types.js';
import type { Settings } from '../settings/schema.js';
import { formatAgo, formatBytes, formatWhen, parseTime, truncate } from '../shared/format.js';
import { formatDateTimeIso } from '../shared/time-format.js';
import { alreadyRunningLine, waitingLine } from '../shared/waiting-text.js';
import { DEMO_MODE_TEXT, failureText, retryLine } from '../shared/status-text.js';
import { owedOrOverdueLines } from '../shared/owed-overdue-text.js';
import { externalRunLine, externalRunTimeLine } from '../shared/external-run-text.js';
import { runTimeLine } from '../shared/progress-eta.js';

export type TrayAction =
  | 'backup-now'
  | 'cancel-run'
  | 'pause-1h'
  | 'pause-tomorrow'
  | 'pause-indefinitely'
  | 'resume'
  | 'check-again'
  | 'open-backups'
  | 'open-settings'
  | 'toggle-start-at-login'
  | 'open-log'
  | 'quit';

export interface TrayMenuItem {
  id?: string;
  label?: string;
  type?: 'normal' | 'separator' | 'submenu' | 'checkbox';
  enabled?: boolean;
  checked?: boolean;
  submenu?: TrayMenuItem[];
  action?: TrayAction;
}

// Compile-time proof that our data is a valid Electron menu item once `action` becomes `click`.
type Plain = Omit<TrayMenuItem, 'action' | 'submenu'>;
const _compatible: (x: Plain) => MenuItemConstructorOptions = (x) => x;
void _compatible;

export interface TrayMenuInput {
  state: EngineState;
  settings: Pick<Settings, 'startAtLogin'>;
  connection: ConnectionInfo | null;
  now: Date;
  /** Started against the emulator (npm start's fallback), whatever the connection reports. */
  emulator?: boolean;
}

export const APP_TITLE = 'Pieces Backup';

export function isEmulator(input: Pick<TrayMenuInput, 'connection' | 'emulator'>): boolean {
  return input.emulator === true || input.connection?.source === 'emulator';
}

/** What the run in flight does: "Backing up…", or a restore's step ("Making a safety backup…", "Restoring…"). */
export function runningLabel(state: EngineState): string | null {
  if (state.phase !== 'running' || !state.running) return null;
  const r = state.running;
  if (r.kind !== 'restore') return 'Backing up…';
  return r.phase === 'safety-backup' ? 'Making a safety backup…' : 'Restoring…';
}

/** "Backing up… 42 %", "Restoring… 42 %" (or without a number before the server reports one). */
export function progressLine(state: EngineState): string | null {
  const label = runningLabel(state);
  if (label === null) return null;
  const p = state.running!.percentage;
  return p === null || !Number.isFinite(p) ? label : `${label} ${Math.round(Math.min(100, Math.max(0, p)))} %`;
}

/** The backup a restore puts in place, once PiecesOS has found it. */
function restoringLine(input: Pick<TrayMenuInput, 'state' | 'now'>): string | null {
  const { state } = input;
  const b = state.phase === 'running' ? state.running?.restoring : undefined;
  return b ? `Backup from ${truncate(b.deviceName, 40)}, ${formatDateTimeIso(b.created, input.now)}` : null;
}

/** The disabled lines at the top of the menu that say where things stand. */
export function statusLines(input: TrayMenuInput): string[] {
  const { state, connection, now } = input;
  const lines: string[] = [];
  if (isEmulator(input)) lines.push(DEMO_MODE_TEXT);
  if (isOffline(input)) lines.push('PiecesOS is not running — start it to back up');

  // The menu says a backup runs, without its percentage: each change of an item rebuilds the whole
  // menu (on Linux re-published over D-Bus, closing it on some panels). Ticks go to the tooltip.
  const doing = runningLabel(state);
  if (doing) lines.push(doing);
  const restoring = restoringLine(input);
  if (restoring) lines.push(restoring);
  if (state.phase === 'waiting' && state.waiting) lines.push(waitingLine(state.waiting, now));
  // Another client's run changes often too, but only the tooltip carries its percentage.
  if (state.external && !doing) lines.push(externalRunLine({ kind: state.external.kind, percentage: null }));
  lines.push(...owedOrOverdueLines(state));

  const last = parseTime(state.lastSuccess?.at);
  if (last) {
    const bytes = state.lastSuccess?.bytes;
    lines.push(`Last backup: ${formatAgo(last, now)}${bytes !== undefined ? ` · ${formatBytes(bytes)}` : ''}`);
  } else if (state.phase !== 'running') {
    lines.push('Last backup: none made by this app yet');
  }

  // The last failure stays until a later success; while a retry is due it says when, not "try again".
  if (state.lastError && state.phase !== 'running') lines.push(`Last attempt failed: ${truncate(failureText(state.lastError, state.retry), 60)}`);
  if (state.retry && parseTime(state.retry.at)) lines.push(retryLine(state.retry, now));

  if (state.pausedUntil === 'resume') lines.push('Automatic backups paused until you resume them');
  else if (state.pausedUntil) {
    const until = parseTime(state.pausedUntil);
    lines.push(until ? `Automatic backups paused until ${formatWhen(until, now)}` : 'Automatic backups paused');
  } else {
    const next = parseTime(state.nextRun);
    lines.push(next ? `Next: ${formatWhen(next, now)}` : 'Next: no automatic backups scheduled');
  }
  return lines;
}

const isOffline = (input: Pick<TrayMenuInput, 'state' | 'connection'>): boolean => input.state.phase === 'offline' || input.connection?.reachable === false;

/** Offline or signed out: what a person fixes outside the app, then asks the app to look again. */
export function needsCheck(input: Pick<TrayMenuInput, 'state' | 'connection'>): boolean {
  return isOffline(input) || (input.state.lastError?.kind === 'not-signed-in' && input.state.phase !== 'running');
}

/** "Back up now", or, while a run another process started holds the lock (so a click could only
 * wait behind it), a disabled item that says whose: "A restore is already running — the
 * pieces-backup command started it at 2:02 PM" / "— started in another app". */
export function backUpNowItem(input: Pick<TrayMenuInput, 'state' | 'now'>): TrayMenuItem {
  const { state, now } = input;
  if (state.phase === 'running') return { id: 'backup-now', label: 'Back up now', enabled: false, action: 'backup-now' };
  if (state.phase === 'waiting' && state.waiting) {
    return { id: 'backup-now', label: alreadyRunningLine(state.waiting.heldBy, now), enabled: false };
  }
  if (state.external) {
    return { id: 'backup-now', label: `A ${state.external.kind === 'restore' ? 'restore' : 'backup'} is already running — started in another app`, enabled: false };
  }
  return { id: 'backup-now', label: 'Back up now', enabled: true, action: 'backup-now' };
}

export function buildTrayMenu(input: TrayMenuInput): TrayMenuItem[] {
  const { state, settings } = input;
  const running = state.phase === 'running';
  const paused = state.pausedUntil !== null;
  const sep: TrayMenuItem = { type: 'separator' };
  return [
    ...statusLines(input).map((label, i): TrayMenuItem => ({ id: `status-${i}`, label, enabled: false })),
    sep,
    ...(needsCheck(input) ? [{ id: 'check-again', label: 'Check again', action: 'check-again' } satisfies TrayMenuItem] : []),
    backUpNowItem(input),
    // The run in flight can be stopped (through PiecesOS, which puts the original data back on a restore).
    ...(running ? [{ id: 'cancel-run', label: state.running?.kind === 'restore' ? 'Cancel restore' : 'Cancel backup', action: 'cancel-run' } satisfies TrayMenuItem] : []),
    // Paused: resuming is what a person looks for, so it is not hidden inside the Pause submenu.
    ...(paused ? [{ id: 'resume-top', label: 'Resume automatic backups', action: 'resume' } satisfies TrayMenuItem] : []),
    {
      id: 'pause',
      label: 'Pause automatic backups',
      type: 'submenu',
      submenu: [
        { id: 'pause-1h', label: 'For 1 hour', action: 'pause-1h' },
        { id: 'pause-tomorrow', label: 'Until tomorrow', action: 'pause-tomorrow' },
        { id: 'pause-indefinitely', label: 'Until I resume them', action: 'pause-indefinitely' },
        sep,
        { id: 'resume', label: 'Resume', enabled: paused, action: 'resume' },
      ],
    },
    sep,
    { id: 'open-backups', label: 'Open Backups…', action: 'open-backups' },
    { id: 'open-settings', label: 'Settings…', action: 'open-settings' },
    { id: 'open-log', label: 'Open log', action: 'open-log' },
    { id: 'start-at-login', label: 'Start at login', type: 'checkbox', checked: settings.startAtLogin, action: 'toggle-start-at-login' },
    sep,
    { id: 'quit', label: 'Quit', action: 'quit' },
  ];
}

/** The tooltip: one or two short lines saying where things stand. */
export function trayTooltip(input: TrayMenuInput): string {
  const title = isEmulator(input) ? `${APP_TITLE} (Emulator)` : APP_TITLE;
  const { state, now } = input;
  let line: string;
  /** Another app's run: how long it has been seen and its time left (our own runs' line is below). */
  let externalTiming: string | null = null;
  if (state.phase === 'running') line = progressLine(state) ?? runningLabel(state) ?? 'Backing up…';
  else if (state.phase === 'waiting' && state.waiting) line = waitingLine(state.waiting, now);
  else if (state.external) {
    line = externalRunLine(state.external);
    externalTiming = externalRunTimeLine(state.external, now.getTime());
  }
  else if (owedOrOverdueLines(state).length > 0) line = owedOrOverdueLines(state).join(' · ');
  else if (state.phase === 'offline') line = 'PiecesOS is not running';
  else if (state.phase === 'error' && state.lastError) line = `Last attempt failed: ${truncate(failureText(state.lastError, state.retry), 60)}`;
  else if (state.pausedUntil) line = 'Automatic backups paused';
  else {
    const last = parseTime(state.lastSuccess?.at);
    line = last ? `Last backup ${formatAgo(last, now)}` : 'No backup made by this app yet';
    const next = parseTime(state.nextRun);
    if (next) line += ` · next ${formatWhen(next, now)}`;
  }
  // A run in flight: how long it has taken and, once the engine has an estimate, how long it has left.
  const timing = state.phase === 'running' && state.running ? runTimeLine(state.running, now.getTime()) : externalTiming;
  return timing ? `${title}\n${line}\n${timing}` : `${title}\n${line}`;
}

/** Turn the data into Electron's template, binding each action to `onAction`. */
export function toMenuTemplate(items: TrayMenuItem[], onAction: (a: TrayAction) => void): MenuItemConstructorOptions[] {
  return items.map((item) => {
    const { action, submenu, ...rest } = item;
    const out: MenuItemConstructorOptions = { ...rest };
    if (submenu) out.submenu = toMenuTemplate(submenu, onAction);
    if (action) out.click = () => onAction(action);
    return out;
  });
}
