// The seam between the Electron-free core (engine, settings, client, history) and the front ends
// that present it: the Electron layer, the preview server and the daemon. Implemented by
// `app-core.ts`; front ends depend only on this interface and the IPC contract.
import type { EventChannel, EventPayloads, InvokeChannel, Result, Snapshot } from '../ipc/contract.js';

/** A desktop notification the core asks for; the front end decides how to show it. */
export interface Notice {
  kind:
    | 'failure' | 'success' | 'catch-up' | 'not-signed-in' | 'waiting-long' | 'settings-reset' | 'settings-read-only'
    // A restore's outcome: always shown (the person asked for it and may have closed the window).
    | 'restore-finished' | 'restore-failed' | 'safety-backup-failed'
    // No successful backup for too long (at most once a day).
    | 'overdue';
  title: string;
  body: string;
}

export interface AppCore {
  /** Load the history, arm the schedule, run catch-up if due (PiecesOS is found on first use). */
  start(): Promise<void>;
  /** Cancel a backup in flight (recorded `canceled`), clear every timer. */
  stop(): Promise<void>;
  /** Answer one IPC request. Validates `payload` against the contract; never throws. */
  handle(channel: InvokeChannel | string, payload: unknown): Promise<Result<unknown>>;
  /** The whole state at once, for a window that opens (lists the backups: network). */
  snapshot(): Promise<Snapshot>;
  /** State, settings and connection as they stand, without asking PiecesOS (for the tray at start). */
  current(): Pick<Snapshot, 'state' | 'settings' | 'connection'>;
  /** Subscribe to an event channel (state updates are coalesced to ≤ ~30/s, terminal states always delivered). */
  on<E extends EventChannel>(channel: E, listener: (payload: EventPayloads[E]) => void): () => void;
  /** Subscribe to notifications (already filtered by the person's preferences and rate-limited). */
  onNotice(listener: (n: Notice) => void): () => void;
  /** The system woke from sleep: check for a missed scheduled run. */
  systemResumed(): void;
}
