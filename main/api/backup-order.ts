// The order backups are shown and listed in: newest first. No zod and no Node here, so the
// renderer shares the very same rule as the client and the CLI.
import type { Backup } from './wire.js';

/** Milliseconds since the epoch of a backup's creation, for sorting; NaN dates sort last. */
export function createdMillis(b: Backup): number {
  const t = Date.parse(b.created);
  return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
}

/** Newest first, ties broken by id so the order is stable. */
export function sortNewestFirst(list: Backup[]): Backup[] {
  // Parse each date once (Date.parse inside the comparator dominated sorting 10,000 backups),
  // and skip the sort when the server already sent the list newest first, as PiecesOS does.
  const millis = list.map(createdMillis);
  // > 0 when list[i] goes before list[j]: newer first, then the greater id first.
  const before = (i: number, j: number) => (millis[i]! - millis[j]!) || (list[i]!.id > list[j]!.id ? 1 : list[i]!.id < list[j]!.id ? -1 : 0);
  let sorted = true;
  for (let i = 1; i < list.length && sorted; i++) sorted = before(i - 1, i) >= 0;
  if (sorted) return list;
  const order = list.map((_, i) => i).sort((i, j) => -before(i, j));
  const copy = order.map((i) => list[i]!);
  for (let i = 0; i < copy.length; i++) list[i] = copy[i]!;
  return list;
}
