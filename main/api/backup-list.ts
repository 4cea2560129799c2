// A backup list (`GET /backups`) read into the app's Backup form: every field validated, as the
// zod schema `wireBackups` does, in one pass that also maps it. With 10,000 backups zod's
// validation and the separate mapping took 15 ms of the client's 39 ms (the Pieces SDK, which
// validates nothing, needs 35 ms for the same body; issue 13, target 2). The schema stays the
// rule: anything this hand-written check refuses goes through zod, whose first complaint is the
// error, and a property test holds the two to accepting, refusing and mapping alike.
import { validate } from './response-body.js';
import { PLATFORMS, fromWireBackup, wireBackups, type Backup, type Platform } from './wire.js';

const KNOWN_PLATFORMS: ReadonlySet<string> = new Set(PLATFORMS);

/** What zod's z.object accepts as an object. */
function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The backups of a list body when every one is well formed (as `wireBackups` judges), else null. */
export function backupsIfWellFormed(value: unknown): Backup[] | null {
  if (!isObject(value)) return null;
  const items = value.iterable;
  if (!Array.isArray(items)) return null;
  const out: Backup[] = [];
  for (let i = 0; i < items.length; i++) {
    const w: unknown = items[i];
    if (!isObject(w)) return null;
    const { id, version, timestamp, bytes, created, device_name: deviceName, platform } = w;
    if (typeof id !== 'string' || typeof version !== 'string' || typeof timestamp !== 'string') return null;
    // z.number() refuses NaN and ±Infinity.
    if (typeof bytes !== 'number' || !Number.isFinite(bytes)) return null;
    if (typeof deviceName !== 'string' || typeof platform !== 'string' || !isObject(created)) return null;
    const { value: createdAt, readable } = created;
    if (typeof createdAt !== 'string' || (readable !== undefined && typeof readable !== 'string')) return null;
    // The same object, key for key, as fromWireBackup builds.
    const b: Backup = {
      id, version, timestamp, bytes, created: createdAt, deviceName,
      platform: KNOWN_PLATFORMS.has(platform) ? (platform as Platform) : 'UNKNOWN',
    };
    if (readable !== undefined) b.createdReadable = readable;
    out.push(b);
  }
  return out;
}

/** A list body as Backups, or 'bad-response' naming the first field zod complains about. */
export function backupsFromList(value: unknown, what: string): Backup[] {
  return backupsIfWellFormed(value) ?? validate(wireBackups, value, what).iterable.map(fromWireBackup);
}
