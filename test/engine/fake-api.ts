// A scriptable in-memory BackupsApi whose streamed create advances on the test's ManualClock.
import type { BackupsApi, CallOptions, StreamOptions } from '../../main/api/backups-api.js';
import { BackupsApiError } from '../../main/api/errors.js';
import type { Backup } from '../../main/api/wire.js';
import type { Clock } from '../../main/engine/clock.js';

export class FakeApi implements BackupsApi {
  readonly baseUrl = 'http://127.0.0.1:0';
  backups: Backup[] = [];
  creates = 0;
  deleted: string[] = [];
  /** Errors thrown by the next creates, in order (undefined = succeed). */
  failures: Array<BackupsApiError | undefined> = [];
  steps = 10;
  stepMs = 100;
  constructor(private clock: Clock, private device = 'laptop') {}

  async list(): Promise<Backup[]> {
    return [...this.backups];
  }
  async create(): Promise<Backup> {
    return this.createStreamed();
  }
  async createStreamed(opts: StreamOptions = {}): Promise<Backup> {
    this.creates++;
    const failure = this.failures.shift();
    for (let i = 1; i <= this.steps; i++) {
      await new Promise<void>((resolve, reject) => {
        const t = this.clock.setTimeout(resolve, this.stepMs);
        opts.signal?.addEventListener('abort', () => {
          this.clock.clearTimeout(t);
          reject(new BackupsApiError('canceled', 'aborted'));
        }, { once: true });
      });
      if (failure && i === this.steps / 2) throw failure;
      opts.onProgress?.({ status: 'IN-PROGRESS', percentage: (i * 100) / this.steps });
    }
    const now = this.clock.now();
    const b: Backup = { id: `v_${now}_${this.creates}`, version: '1', timestamp: String(now), bytes: 1000 + this.creates, created: new Date(now).toISOString(), deviceName: this.device, platform: 'LINUX' };
    this.backups.push(b);
    opts.onProgress?.({ status: 'COMPLETED', percentage: 100, backup: b });
    return b;
  }
  async delete(id: string, _b?: Backup, _o?: CallOptions): Promise<void> {
    this.deleted.push(id);
    this.backups = this.backups.filter((b) => b.id !== id);
  }
}
