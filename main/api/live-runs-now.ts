// What PiecesOS is running right now, asked once: open the live progress WebSocket
// (`/backups/streamed/progress`), take its first valid message (every backup and restore in
// progress, whoever started them), close. For `pieces-backup status`, which starts no watch.
// The wire format does not promise a message on connect (the emulator sends one; PiecesOS's
// behaviour is not documented), so no message within the wait is "not known", never "nothing runs".
import WebSocket from 'ws';
import { parseLiveRuns, progressSocketUrl, type LiveRun } from './progress-watch-socket.js';

const MAX_MESSAGE_BYTES = 1024 * 1024;

/** The runs PiecesOS reports within `timeoutMs`, or null when it does not say (no message, no
 * such WebSocket, a refused or broken connection, only messages that are not valid). */
export function liveRunsNow(baseUrl: string, timeoutMs: number): Promise<LiveRun[] | null> {
  return new Promise((resolve) => {
    let socket: WebSocket;
    try {
      socket = new WebSocket(progressSocketUrl(baseUrl), { handshakeTimeout: timeoutMs, maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false });
    } catch {
      resolve(null);
      return;
    }
    let done = false;
    const finish = (runs: LiveRun[] | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on('error', () => undefined); // a terminate while connecting reports one
      socket.terminate();
      resolve(runs);
    };
    const timer = setTimeout(() => finish(null), timeoutMs);
    socket.on('unexpected-response', (_req, res) => {
      res.destroy(); // its body is not read: it could be huge
      finish(null);
    });
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      const runs = parseLiveRuns(String(data));
      if (runs !== null) finish(runs);
    });
    socket.on('error', () => finish(null));
    socket.on('close', () => finish(null));
  });
}
