// The renderer's only way out: `window.piecesBackup`, set by the preload in the app and by the
// preview bridge in the browser. Everything else in the renderer is transport-agnostic.
import type { InvokeChannel, InvokeRequest, InvokeResponse, PiecesBackupBridge, Result } from '../main/ipc/contract.js';

declare global {
  interface Window {
    piecesBackup?: PiecesBackupBridge;
  }
}

export function getBridge(): PiecesBackupBridge | null {
  return window.piecesBackup ?? null;
}

/** Invoke a channel; a bridge that throws (it should not) still yields a Result. */
export async function call<C extends InvokeChannel>(bridge: PiecesBackupBridge, channel: C, payload?: InvokeRequest<C>): Promise<Result<InvokeResponse<C>>> {
  try {
    const invoke = bridge.invoke as (c: C, ...p: unknown[]) => Promise<Result<InvokeResponse<C>>>;
    const result = payload === undefined ? await invoke(channel) : await invoke(channel, payload);
    if (result && typeof result === 'object' && 'ok' in result) return result;
    return { ok: false, error: { kind: 'internal', message: 'The app answered something unexpected; restart Pieces Backup.' } };
  } catch (e) {
    return { ok: false, error: { kind: 'internal', message: `Could not reach the app's background process (${e instanceof Error ? e.message : String(e)}); restart Pieces Backup.` } };
  }
}
