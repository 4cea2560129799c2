// Real backups (archives of the emulator's sample database, not seeded metadata) made before a
// test starts the emulator it talks to, which may be slowed down or faulty: they are made at full
// speed by another emulator on the same data folder, and the list survives the restart.
import assert from 'node:assert/strict';
import { startEmulator, type EmulatorOptions } from '../../emulator/server.js';

/** Makes `count` real backups with an emulator of `opts` (no faults, full speed), closed afterwards. */
export async function makeRealBackups(opts: EmulatorOptions, count: number): Promise<void> {
  const maker = await startEmulator(opts);
  try {
    for (let i = 0; i < count; i++) {
      const res = await fetch(`${maker.url}/backups/create`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      assert.equal(res.status, 200, `the emulator made a real backup (${await res.text()})`);
    }
  } finally {
    await maker.close();
  }
}
