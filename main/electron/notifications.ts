// Shows the core's notices (already filtered by preference and rate-limited) as desktop
// notifications; clicking one opens the window.
import type { Notice } from '../core/types.js';
import type { ElectronDeps, NotificationLike } from './deps.js';

/** How many shown notifications are kept alive for their click handler. */
export const RETAINED_NOTIFICATIONS = 20;

export interface Notifier {
  show(notice: Notice): void;
  /** How many notifications are kept alive now (for tests and diagnostics). */
  retained(): number;
}

export function createNotifier(deps: Pick<ElectronDeps, 'Notification'>, opts: { onClick: () => void; iconPath?: string; titleSuffix?: string }): Notifier {
  // A notification that is garbage-collected loses its click handler, so the last few are kept
  // alive. Not dropped on 'close': electron.d.ts says that on Windows `close` is also emitted "via
  // system timeout" while the toast stays in the Action Center (macOS's Notification Center and
  // GNOME's message tray keep them too), and a click there must still open the window. The
  // oldest is evicted instead, and one is dropped once clicked.
  const live: NotificationLike[] = [];
  const drop = (n: NotificationLike): void => {
    const i = live.indexOf(n);
    if (i >= 0) live.splice(i, 1);
  };
  return {
    show(notice) {
      try {
        if (!deps.Notification.isSupported()) return;
        const n = new deps.Notification({
          title: `${notice.title}${opts.titleSuffix ?? ''}`,
          body: notice.body,
          silent: notice.kind === 'success',
          ...(opts.iconPath ? { icon: opts.iconPath } : {}),
        });
        live.push(n);
        if (live.length > RETAINED_NOTIFICATIONS) live.shift();
        n.on('click', () => { drop(n); opts.onClick(); });
        n.show();
      } catch {
        // A notification that cannot be shown must not take the app down.
      }
    },
    retained: () => live.length,
  };
}
