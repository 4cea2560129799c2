// The channel names the preload lets through, without importing zod: the sandboxed preload is
// one small CommonJS file. The `satisfies` checks make tsc fail if this list and the contract
// (main/ipc/contract.ts, the single source of truth) ever differ; a test also compares them.
import type { EventChannel, InvokeChannel } from '../main/ipc/contract.js';

const invoke = {
  'app:snapshot': true,
  'backups:list': true,
  'backups:create': true,
  'backups:delete': true,
  'backups:restore': true,
  'run:cancel': true,
  'history:list': true,
  'settings:update': true,
  'schedule:preview': true,
  'retention:preview': true,
  'pause:set': true,
  'pause:resume': true,
  'connection:check': true,
} as const satisfies Record<InvokeChannel, true>;

const events = {
  'event:state': true,
  'event:backups': true,
  'event:history': true,
  'event:settings': true,
  'event:connection': true,
  'event:navigate': true,
} as const satisfies Record<EventChannel, true>;

export const PRELOAD_INVOKE_CHANNELS: ReadonlySet<string> = new Set(Object.keys(invoke));
export const PRELOAD_EVENT_CHANNELS: ReadonlySet<string> = new Set(Object.keys(events));
/** Same value as BRIDGE_GLOBAL in the contract (checked by the test). */
export const PRELOAD_BRIDGE_GLOBAL = 'piecesBackup';
