// A daemon that stops has finished its writes: a settings write it started just before (the
// engine records when the schedule was set) must not still be renaming files into the settings
// folder after runDaemon returns (it made removing the folder fail with ENOTEMPTY).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmulator } from '../../emulator/server.js';
import { startAndStopDaemon } from '../helpers/daemon.js';
import { withTempDir } from '../helpers/temp-dir.js';

test('a daemon stopped right after it started leaves no write in flight in the settings folder', () =>
  withTempDir('daemon-stop', async (dir) => {
    const emu = await startEmulator({ port: 0, dataDir: join(dir, 'emu'), log: () => {} });
    try {
      const cfg = join(dir, 'cfg');
      const { code } = await startAndStopDaemon(cfg, emu.url);
      assert.equal(code, 0);
      // The folder as the stopped daemon left it, then again a moment later: a write still in flight
      // would replace config.json (a new inode) or leave a temp or lock file. (Not fs.watch: a
      // watch opened now can be handed events of writes that finished before the daemon returned.)
      const state = async () => {
        const files = (await readdir(cfg)).filter((f) => f !== 'daemon.log').sort();
        const st = await stat(join(cfg, 'config.json'));
        return { files, config: `${st.ino}:${st.size}:${st.mtimeMs}` };
      };
      const before = await state();
      assert.deepEqual(before.files.filter((f) => /\.tmp|\.lock$/.test(f)), [], 'no temp or lock file left');
      await sleep(500);
      assert.deepEqual(await state(), before, 'nothing is written once the daemon has stopped');
    } finally {
      await emu.close();
    }
  }));
