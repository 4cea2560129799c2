// What a pause choice means as the `pausedUntil` setting, the one every front end shares (tray,
// window, CLI): the engine of each process on the settings folder reads it.

/** The tray's presets: an hour, until local midnight, or until resumed by hand. */
export type PauseFor = '1h' | 'tomorrow' | 'resume';

/** The `pausedUntil` value for a choice made at `now` (ms): an ISO time, or 'resume'. */
export function pauseUntilValue(until: PauseFor, now: number): string {
  if (until === '1h') return new Date(now + 3_600_000).toISOString();
  if (until === 'tomorrow') {
    const d = new Date(now);
    return new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1, 0, 0, 0).toISOString();
  }
  return 'resume';
}
