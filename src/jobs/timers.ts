import { PgBoss, fromKysely, fromPglite, type Clock, type JobResult } from 'pg-boss';
import type { DatabaseHandle, Db } from '../db/database.ts';
import type { Logger } from '../logger.ts';

/**
 * Durable timers on pg-boss, in the same database as the cases: they survive
 * restarts and each fires once across instances. A timer is scheduled inside
 * the caller's transaction, so it exists exactly when the state that needs it
 * was committed. Handlers must re-check the state they act on (a timer may
 * fire for something that has moved on) and be idempotent.
 */
/** Jobs fetched per round; a batch's handlers run one after the other. */
const WORK_BATCH_SIZE = 100;

export class Timers {
  private readonly queues = new Set<string>();
  /** Timers held per transaction until `flush` (see `holdIn`). */
  private readonly held = new WeakMap<Db, Map<string, Array<{ data: object; startAfter: Date }>>>();

  private constructor(
    private readonly boss: PgBoss,
    private readonly logger: Logger,
    private readonly pollSeconds: number,
  ) {}

  static async start(handle: DatabaseHandle, logger: Logger, options: { pollSeconds: number; clock?: Clock }): Promise<Timers> {
    const boss = handle.pglite
      ? new PgBoss({ db: fromPglite(handle.pglite), backend: 'pglite', schema: 'pgboss', ...(options.clock ? { clock: options.clock } : {}) })
      : new PgBoss({ connectionString: handle.connectionString!, schema: 'pgboss', max: 4, application_name: 'hearken-timers', ...(options.clock ? { clock: options.clock } : {}) });
    boss.on('error', (error: Error) => logger.error({ err: error }, 'timer backend error'));
    await boss.start();
    return new Timers(boss, logger, options.pollSeconds);
  }

  async defineQueue(name: string): Promise<void> {
    if (this.queues.has(name)) return;
    await this.boss.createQueue(name, { retryLimit: 5, retryDelay: 5, retryBackoff: true });
    // Warms pg-boss's queue cache now: a send() inside a transaction must not
    // look the queue up outside it (on PGlite's one connection that deadlocks).
    await this.boss.findJobs(name, { id: '00000000-0000-0000-0000-000000000000' });
    this.queues.add(name);
  }

  /** Schedules `data` on `queue` at `at`, inside the transaction `trx`. */
  async schedule(trx: Db, queue: string, data: object, at: Date, singletonKey?: string): Promise<void> {
    const held = this.held.get(trx);
    if (held && !singletonKey) {
      const jobs = held.get(queue) ?? [];
      jobs.push({ data, startAfter: at });
      held.set(queue, jobs);
      return;
    }
    await this.boss.send(queue, data, { startAfter: at, db: fromKysely(trx), ...(singletonKey ? { singletonKey } : {}) });
  }

  /**
   * From now on, timers scheduled in `trx` are held in memory and written by
   * `flush(trx)` in one statement per queue (the inbound batch schedules many
   * at once). The caller must flush before it commits.
   */
  holdIn(trx: Db): void {
    this.held.set(trx, new Map());
  }

  /** Writes the timers held for `trx` (see `holdIn`), still inside it. */
  async flush(trx: Db): Promise<void> {
    const held = this.held.get(trx);
    this.held.delete(trx);
    if (!held) return;
    for (const [queue, jobs] of held) await this.boss.insert(queue, jobs, { db: fromKysely(trx) });
  }

  /**
   * A durable recurring job (pg-boss cron schedule, stored in the database):
   * one job per occurrence across all instances; an occurrence missed while
   * no instance ran is sent once at the next start. Calling it again updates
   * the schedule.
   */
  async scheduleRecurring(queue: string, cron: string, options: { tz: string; data?: object }): Promise<void> {
    await this.defineQueue(queue);
    await this.boss.schedule(queue, cron, options.data ?? null, { tz: options.tz, missed: 'once' });
  }

  async unscheduleRecurring(queue: string): Promise<void> {
    await this.defineQueue(queue);
    await this.boss.unschedule(queue);
  }

  async recurringSchedules(queue: string): Promise<Array<{ cron: string; timezone: string }>> {
    const schedules = await this.boss.getSchedules(queue);
    return schedules.map((s) => ({ cron: s.cron, timezone: s.timezone }));
  }

  /**
   * Handles due timers one at a time, in batches: while a fetch comes back
   * full the worker fetches again at once, so a backlog drains at handler
   * speed. (With batchSize 1 and no burst, pg-boss waits the polling interval
   * after every job: one timer per interval.) Each job settles on its own: a
   * failing handler fails (and retries) only its job.
   */
  async work<T extends object>(queue: string, handler: (data: T) => Promise<void>): Promise<void> {
    await this.defineQueue(queue);
    const options = { pollingIntervalSeconds: this.pollSeconds, batchSize: WORK_BATCH_SIZE, burstWhenBatchFull: true, perJobResults: true } as const;
    await this.boss.work<T, JobResult[], typeof options>(queue, options, async (jobs) => {
      const results: JobResult[] = [];
      for (const job of jobs) {
        try {
          await handler(job.data);
          results.push({ id: job.id, status: 'completed' });
        } catch (error) {
          this.logger.error({ queue, jobId: job.id, err: error }, 'timer handler failed; pg-boss will retry');
          results.push({ id: job.id, status: 'failed', output: { message: (error as Error).message } });
        }
      }
      return results;
    });
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: true, timeout: 5_000 });
  }
}
