// The preview's stand-in for the Electron preload: the same `PiecesBackupBridge`, carried over
// HTTP to the preview server (POST /ipc/<channel> → Result JSON) with events over one
// EventSource (GET /events). Loaded before app.js only by the preview server.
import type { EventChannel, EventPayloads, InvokeChannel, PiecesBackupBridge, Result } from '../main/ipc/contract.js';

type Listener = (payload: unknown) => void;

function createPreviewBridge(): PiecesBackupBridge {
  const listeners = new Map<string, Set<Listener>>();
  let source: EventSource | null = null;

  function ensureSource(channel: string): void {
    source ??= new EventSource('/events');
    if (listeners.has(channel)) return;
    listeners.set(channel, new Set());
    source.addEventListener(channel, (e) => {
      let payload: unknown;
      try {
        payload = JSON.parse((e as MessageEvent<string>).data);
      } catch {
        return; // a broken frame is dropped, not fatal
      }
      for (const l of listeners.get(channel) ?? []) l(payload);
    });
  }

  async function invoke(channel: InvokeChannel, ...payload: unknown[]): Promise<Result<unknown>> {
    try {
      const res = await fetch(`/ipc/${encodeURIComponent(channel)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: payload.length === 0 || payload[0] === undefined ? '' : JSON.stringify(payload[0]),
      });
      const body: unknown = await res.json();
      if (body && typeof body === 'object' && 'ok' in body) return body as Result<unknown>;
      return { ok: false, error: { kind: 'internal', message: `The preview server answered ${res.status} without a result; restart it.` } };
    } catch (e) {
      return { ok: false, error: { kind: 'internal', message: `The preview server is not answering (${e instanceof Error ? e.message : String(e)}); restart npm run preview.` } };
    }
  }

  return {
    invoke: invoke as PiecesBackupBridge['invoke'],
    on<E extends EventChannel>(channel: E, listener: (payload: EventPayloads[E]) => void) {
      ensureSource(channel);
      const set = listeners.get(channel)!;
      set.add(listener as Listener);
      return () => set.delete(listener as Listener);
    },
  };
}

window.piecesBackup = createPreviewBridge();
