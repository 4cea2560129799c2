// Shows the core's notices (already filtered by preference and rate-limited) as desktop
// notifications; clicking one opens the window.
import type { Notice } from '../core/types.js';
import type { ElectronDeps, NotificationLike } from './deps.js';

export function createNotifier(deps: Pick<ElectronDeps, 'Notification'>, opts: { onClick: () => void; iconPath?: string; titleSuffix?: string }) {
  // Electron drops click handlers of notifications that get garbage-collected: keep them alive.
  const live = new Set<NotificationLike>();
  return (notice: Notice): void => {
    try {
      if (!deps.Notification.isSupported()) return;
      const n = new deps.Notification({
        title: `${notice.title}${opts.titleSuffix ?? ''}`,
        body: notice.body,
        silent: notice.kind === 'success',
        ...(opts.iconPath ? { icon: opts.iconPath } : {}),
      });
      live.add(n);
      n.on('click', () => { live.delete(n); opts.onClick(); });
      n.on('close', () => live.delete(n));
      n.show();
    } catch {
      // A notification that cannot be shown must not take the app down.
    }
  };
}
