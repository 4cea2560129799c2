// The typed API the window gets as `window.piecesBackup`. It forwards only contract channels
// and never hands out ipcRenderer or the IPC event (which would give the page raw IPC).
import type { IpcRenderer } from 'electron';
import type { EventChannel, EventPayloads, PiecesBackupBridge, Result } from '../main/ipc/contract.js';
import { PRELOAD_EVENT_CHANNELS, PRELOAD_INVOKE_CHANNELS } from './channels.js';

export type IpcRendererLike = Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>;

export function createBridge(ipc: IpcRendererLike): PiecesBackupBridge {
  const bridge = {
    async invoke(channel: string, ...payload: unknown[]): Promise<Result<unknown>> {
      if (typeof channel !== 'string' || !PRELOAD_INVOKE_CHANNELS.has(channel)) {
        return { ok: false, error: { kind: 'unknown-channel', message: `"${String(channel)}" is not a Pieces Backup request.` } };
      }
      try {
        return (await ipc.invoke(channel, payload[0])) as Result<unknown>;
      } catch (e) {
        // Main answers every request with a Result; a throw means the app itself is in trouble.
        return { ok: false, error: { kind: 'internal', message: `The app could not answer (${e instanceof Error ? e.message : String(e)}); try again or restart it.` } };
      }
    },
    on<E extends EventChannel>(channel: E, listener: (payload: EventPayloads[E]) => void): () => void {
      if (typeof channel !== 'string' || !PRELOAD_EVENT_CHANNELS.has(channel) || typeof listener !== 'function') return () => {};
      const forward = (_event: unknown, payload: EventPayloads[E]): void => listener(payload);
      ipc.on(channel, forward);
      let subscribed = true;
      return () => {
        if (subscribed) ipc.removeListener(channel, forward);
        subscribed = false;
      };
    },
  };
  return bridge as PiecesBackupBridge;
}
