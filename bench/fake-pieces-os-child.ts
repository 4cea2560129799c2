// Child process of the progress benchmark: the bench-only fake PiecesOS (`fake-pieces-os.ts`) in
// a process of its own, as PiecesOS is, so its writes are not held up by the core's or by
// Playwright's work. The parent sets the plan of the next stream; every finished stream is
// reported with its write stamps (performance.timeOrigin + performance.now(), comparable across
// processes on one machine).
//   started by bench/sections/progress.ts through bench/child-process.ts
import { reportReady, serveParent } from './child-process.js';
import { startFakePiecesOs, type Plan } from './fake-pieces-os.js';

reportReady(async () => {
  const fake = await startFakePiecesOs();
  const parent = serveParent({
    plan: (p) => {
      fake.plan = p as Plan;
    },
  }, () => fake.close());
  const report = (): void => {
    void fake.nextStream().then((rec) => {
      report();
      parent.emit('stream', rec);
    });
  };
  report();
  return { url: fake.url };
});
