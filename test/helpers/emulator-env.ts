// One emulator for all the tests of a file, with its own temp data folder and an empty temp
// settings folder beside it; registers the file's before/after hooks. Read the fields inside tests
// (or in functions they call): a before hook of the test file itself may run before this one's.
import { before, after } from 'node:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../emulator/server.js';

export interface EmulatorEnv {
  readonly emu: RunningEmulator;
  /** The emulator's data folder (its backups, and its sample database in sample-db/). */
  readonly dataDir: string;
  /** A settings folder for the code under test (`--config-dir`). */
  readonly configDir: string;
}

/** `name` goes into the temp folders' names; `opts` are the emulator's (on a free port). */
export function useEmulatorEnv(name: string, opts: Omit<EmulatorOptions, 'dataDir'> = {}): EmulatorEnv {
  let emu: RunningEmulator | null = null;
  let dataDir = '';
  let configDir = '';
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), `pb-${name}-emu-`));
    configDir = await mkdtemp(join(tmpdir(), `pb-${name}-config-`));
    emu = await startEmulator({ port: 0, ...opts, dataDir });
  });
  after(async () => {
    await emu?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    if (configDir) await rm(configDir, { recursive: true, force: true });
  });
  return {
    get emu() {
      if (!emu) throw new Error('the emulator is not running (read it inside a test, not while the file loads)');
      return emu;
    },
    get dataDir() {
      return dataDir;
    },
    get configDir() {
      return configDir;
    },
  };
}
