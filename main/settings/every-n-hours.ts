// The hours "every N hours" may take, in one place with no dependencies (the schema, the engine
// and the window's form share it). Divisors of 24 only: the schedule is a cron ("every Nth hour")
// that starts again at midnight each day, so any other N would leave a shorter gap there (every 5
// hours ran 15:00, 20:00, 00:00: 4 hours apart). Older files with another N are migrated (v5 → v6).
export const EVERY_N_HOURS = [1, 2, 3, 4, 6, 8, 12] as const;

export const EVERY_N_HOURS_WHY = 'every N hours must divide the day evenly (1, 2, 3, 4, 6, 8 or 12 hours), so backups stay the same time apart across midnight';

/** What the form says beside the choice. */
export const EVERY_N_HOURS_HINT = 'Only hours that divide the day evenly, so backups stay the same time apart across midnight.';
