// IPC: one `ipcMain.handle` per contract channel, answered by the core (which validates the
// payload and never throws), and the core's events relayed to the open window.
import type { IpcMainInvokeEvent } from 'electron';
import { EVENT_CHANNELS, INVOKE_CHANNELS, type Result } from '../ipc/contract.js';
import type { AppCore } from '../core/types.js';
import type { ElectronDeps, WindowLike } from './deps.js';
import { isTrustedSender } from './security.js';

export function registerIpc(
  ipcMain: ElectronDeps['ipcMain'],
  core: Pick<AppCore, 'handle'>,
  isTrusted: (event: Pick<IpcMainInvokeEvent, 'senderFrame'>) => boolean = (e) => isTrustedSender(e.senderFrame),
): () => void {
  for (const channel of INVOKE_CHANNELS) {
    ipcMain.handle(channel, async (event, payload: unknown): Promise<Result<unknown>> => {
      if (!isTrusted(event)) return { ok: false, error: { kind: 'invalid-request', message: 'This request did not come from the Pieces Backup window and was refused.' } };
      try {
        return await core.handle(channel, payload);
      } catch (e) {
        return { ok: false, error: { kind: 'internal', message: `Something went wrong inside the app (${e instanceof Error ? e.message : String(e)}); try again or restart it.` } };
      }
    });
  }
  return () => { for (const channel of INVOKE_CHANNELS) ipcMain.removeHandler(channel); };
}

/** Forward every core event to the open window; the core already coalesces progress. */
export function relayEvents(core: Pick<AppCore, 'on'>, windows: () => (WindowLike | null)[]): () => void {
  const offs = EVENT_CHANNELS.map((channel) =>
    core.on(channel, (payload: unknown) => {
      for (const w of windows()) {
        if (!w || w.isDestroyed() || w.webContents.isDestroyed()) continue;
        try { w.webContents.send(channel, payload); } catch { /* a window closing mid-send is fine */ }
      }
    }),
  );
  return () => offs.forEach((off) => off());
}
