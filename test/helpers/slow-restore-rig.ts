// An emulator whose backups and restores take about three seconds (≈ 60 KB at 20 KB/s), holding
// one backup ("monday"), and a settings folder with a daily schedule set long ago, so a daemon
// started on it wants to catch up at once: for tests of a restore and a due backup meeting at the
// backup lock. Closed after the test.
import type { TestContext } from 'node:test';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startEmulator } from '../../emulator/server.js';
import { createClient } from '../../main/api/client.js';

export async function slowRestoreRig(t: TestContext, dir: string) {
  const source = join(dir, 'db');
  await mkdir(source);
  await writeFile(join(source, 'notes.txt'), 'x'.repeat(60_000));
  const emu = await startEmulator({ port: 0, dataDir: join(dir, 'emu'), source, bytesPerSecond: 20_000, log: () => undefined });
  t.after(() => emu.close());
  const client = createClient({ baseUrl: emu.url });
  t.after(() => client.close());
  const monday = (await client.createStreamed())!;
  const cfg = join(dir, 'cfg');
  await mkdir(cfg, { recursive: true });
  await writeFile(join(cfg, 'config.json'), JSON.stringify({ schedule: { kind: 'daily', time: '12:00' }, scheduleSetAt: '2020-01-01T00:00:00.000Z' }));
  return { emu, client, monday, cfg };
}
