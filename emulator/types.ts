// Public shapes of the emulator (others start it from tests, the preview and benchmarks) and the
// zod schemas that validate what arrives on its control endpoint.
import { z } from 'zod';
import { PLATFORMS, type Platform } from '../main/api/wire.js';

export const FRAMINGS = ['ndjson', 'sse', 'concat'] as const;
export type Framing = (typeof FRAMINGS)[number];

const percent = z.number().min(0).max(100);

/** Faults to inject. Strict so a typo in a control request is a 400, not a silently ignored fault. */
export const faultsSchema = z
  .object({
    notSignedIn: z.boolean().optional(),
    serverError: z.boolean().optional(),
    failAtPercent: percent.optional(),
    dropAtPercent: percent.optional(),
    malformed: z.boolean().optional(),
    stallAtPercent: percent.optional(),
    /** The work starts over once it reaches this percentage: a RESET value, then progress from 0 again. */
    resetAtPercent: percent.optional(),
    /** A create ends COMPLETED without saying which backup it made (the client must not guess). */
    omitBackup: z.boolean().optional(),
    /** Like an older PiecesOS: GET /os/device/information answers 404. */
    noDeviceInformation: z.boolean().optional(),
  })
  .strict();
export type Faults = z.infer<typeof faultsSchema>;

export const framingBodySchema = z.object({ framing: z.enum(FRAMINGS) }).strict();

export const seedBodySchema = z
  .object({
    count: z.number().int().min(0).max(100_000),
    deviceName: z.string().min(1).optional(),
    platform: z.enum(PLATFORMS).optional(),
    startDate: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

export interface SeedOptions {
  deviceName?: string;
  platform?: string;
  /** Created date of the oldest seeded record; the others follow one hour apart. Default: count hours ago. */
  startDate?: Date;
}

export interface EmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: '127.0.0.1';
  dataDir: string;
  /** Folder to back up; default: a sample "database" created in dataDir. */
  source?: string;
  framing?: Framing;
  /** Speed limit of the archiving work; undefined = as fast as possible. */
  bytesPerSecond?: number;
  faults?: Faults;
  version?: string;
  deviceName?: string;
  platform?: Platform;
  /** Where the emulator reports things worth knowing (a corrupt list file); default stderr. */
  log?: (line: string) => void;
}

export interface RunningEmulator {
  url: string;
  port: number;
  close(): Promise<void>;
  setFaults(f: Faults): void;
  setFraming(f: Framing): void;
  seed(count: number, opts?: SeedOptions): Promise<void>;
}

export const DEFAULT_VERSION = '12.0.0-emulator';

export function platformOf(nodePlatform: string): Platform {
  if (nodePlatform === 'linux') return 'LINUX';
  if (nodePlatform === 'darwin') return 'MACOS';
  if (nodePlatform === 'win32') return 'WINDOWS';
  return 'UNKNOWN';
}
