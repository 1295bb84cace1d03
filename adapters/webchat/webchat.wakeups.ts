import { EventEmitter } from 'node:events';
import pg from 'pg';
import type { DatabaseHandle } from '../../src/db/database.ts';
import type { Logger } from '../../src/logger.ts';
import { TRANSCRIPT_CHANNEL } from './webchat.repository.ts';

/** Told to every waiter when notifications may have been missed (the listener reconnected). */
const EVERYONE = '*';
const RECONNECT_MS = { first: 500, max: 30_000 };

/**
 * Wakes the visitors' long polls when their transcript grows, without
 * polling the database. On this instance the sender wakes them directly. On
 * PostgreSQL several instances share the database: a line committed on
 * instance A is NOTIFYed (appendTranscript), and each instance LISTENs on
 * one dedicated connection, so a poll waiting on instance B hears of it.
 * PGlite lives in one process; it LISTENs all the same, so a line written
 * by any path (a worker, a job) wakes its poll the same way on both.
 * While the listening connection is down, waiters time out and the page
 * polls again (reading the table); on reconnect every waiter is woken once.
 */
export class TranscriptWakeups {
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  private client: pg.Client | undefined;
  private stopped = false;
  private retryMs = RECONNECT_MS.first;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly database: Pick<DatabaseHandle, 'kind' | 'connectionString' | 'pglite'>,
    private readonly logger: Logger,
  ) {}

  private unlisten: (() => Promise<void>) | undefined;

  async start(): Promise<void> {
    if (this.database.pglite) this.unlisten = await this.database.pglite.listen(TRANSCRIPT_CHANNEL, (visitorId) => this.wake(visitorId));
    else await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.unlisten?.().catch(() => undefined);
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  /** The visitor's transcript grew (on this instance or another). */
  wake(visitorId: string): void {
    this.emitter.emit(visitorId);
  }

  /** Calls `listener` on the visitor's next wake-up; returns the function that unsubscribes. */
  subscribe(visitorId: string, listener: () => void): () => void {
    this.emitter.on(visitorId, listener);
    this.emitter.on(EVERYONE, listener);
    return () => {
      this.emitter.off(visitorId, listener);
      this.emitter.off(EVERYONE, listener);
    };
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.database.connectionString });
    // Without a listener an 'error' on this connection (a database restart) would end the process.
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    client.on('notification', (message) => {
      if (message.channel === TRANSCRIPT_CHANNEL && message.payload) this.wake(message.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${TRANSCRIPT_CHANNEL}`);
    } catch (error) {
      this.lost(client, error as Error);
      return;
    }
    if (this.stopped) return void client.end().catch(() => undefined);
    const reconnected = this.retryMs !== RECONNECT_MS.first;
    this.client = client;
    this.retryMs = RECONNECT_MS.first;
    if (reconnected) this.emitter.emit(EVERYONE);
  }

  private lost(client: pg.Client, error?: Error): void {
    if (this.stopped || (this.client !== undefined && this.client !== client)) return;
    if (this.retryTimer && this.client === undefined) return;
    this.client = undefined;
    client.removeAllListeners('end');
    void client.end().catch(() => undefined);
    this.logger.warn({ component: 'webchat', err: error ?? 'connection ended', retryMs: this.retryMs }, 'web chat wake-up listener lost; reconnecting');
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect();
    }, this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(RECONNECT_MS.max, this.retryMs * 2);
  }
}
