import pg from 'pg';
import type { FakeTelegram } from './fake-telegram.ts';
import type { LoadResult } from './customers.ts';
import type { PhaseMeter } from './process.ts';
import { round } from './stats.ts';

/** One phase's figures, the line the bench prints for it, and the checks after a hearken phase (bench/run.ts). */
export interface Figures {
  messagesPerSecond: number;
  intakesPerSecond: number;
  ackP50Ms: number;
  ackP99Ms: number;
  replyP50Ms: number;
  replyP99Ms: number;
  cpuPercent: number;
  /** The server's CPU time per message handled (ms): steadier than msgs/s on a shared machine. */
  cpuMsPerMessage: number | null;
  peakRssMb: number;
  postgresCpuPercent?: number;
  driverCpuPercent: number;
  stealPercent: number;
  errors: number;
  errorSamples?: string[];
}

export function figures(load: LoadResult, meter: ReturnType<PhaseMeter['finish']>): Figures {
  const errors = load.errors.http + load.errors.timeouts + load.errors.unexpected;
  return {
    messagesPerSecond: round(load.messagesPerSecond),
    intakesPerSecond: round(load.intakesPerSecond),
    ackP50Ms: load.ack.p50,
    ackP99Ms: load.ack.p99,
    replyP50Ms: load.reply.p50,
    replyP99Ms: load.reply.p99,
    ...meter,
    cpuMsPerMessage: load.messagesPerSecond > 0 ? round((meter.cpuPercent * 10) / load.messagesPerSecond, 3) : null,
    errors,
    ...(errors > 0 ? { errorSamples: load.errors.firstSamples } : {}),
  };
}

export function describe(name: string, c: number, f: Figures): string {
  const pgCpu = f.postgresCpuPercent !== undefined ? ` pg ${f.postgresCpuPercent}%` : '';
  return `${name.padEnd(12)} c=${String(c).padStart(3)}  ${String(f.messagesPerSecond).padStart(7)} msg/s  ${String(f.intakesPerSecond).padStart(6)} intakes/s  ack p50/p99 ${f.ackP50Ms}/${f.ackP99Ms} ms  reply p50/p99 ${f.replyP50Ms}/${f.replyP99Ms} ms  CPU ${f.cpuPercent}% (${f.cpuMsPerMessage ?? '–'} ms/msg)${pgCpu}  steal ${f.stealPercent}%  RSS ${f.peakRssMb} MB${f.errors ? `  ERRORS ${f.errors}: ${f.errorSamples?.[0]}` : ''}`;
}

/** After a hearken phase: every acknowledged message is in the database, every reply delivered once. */
export async function checkHearken(databaseUrl: string, fake: FakeTelegram, acknowledged: number) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const deadline = Date.now() + 30_000;
    let pending = 0;
    do {
      pending = Number((await client.query(`SELECT count(*) FROM outbox WHERE status = 'pending'`)).rows[0].count);
      if (pending > 0) await new Promise((r) => setTimeout(r, 200));
    } while (pending > 0 && Date.now() < deadline);
    const q = async (sql: string) => Number((await client.query(sql)).rows[0].count);
    return {
      acknowledged,
      stored: await q(`SELECT count(*) FROM inbound_deliveries WHERE channel = 'telegram'`),
      outboxSent: await q(`SELECT count(*) FROM outbox WHERE status = 'sent'`),
      outboxPending: pending,
      outboxFailed: await q(`SELECT count(*) FROM outbox WHERE status = 'failed'`),
      delivered: fake.counts.sendMessage,
      cases: await q(`SELECT count(*) FROM cases`),
    };
  } finally {
    await client.end();
  }
}

/** Top-level statements (round trips) the database ran during a hearken phase, per acknowledged message. */
export interface StatementFigures {
  perMessage: number;
  top: Array<{ statement: string; perMessage: number; meanMs: number }>;
}

export async function statementStats(databaseUrl: string, action: 'reset' | 'read', messages = 1): Promise<StatementFigures | undefined> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    if (action === 'reset') {
      await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      await client.query('SELECT pg_stat_statements_reset()');
      return undefined;
    }
    const { rows } = await client.query<{ calls: string; mean: number; query: string }>(
      `SELECT calls, mean_exec_time AS mean, left(regexp_replace(query, '\\s+', ' ', 'g'), 90) AS query
       FROM pg_stat_statements
       -- Foreign-key checks run inside the server (not round trips), whatever pg_stat_statements.track says.
       WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query NOT LIKE 'SELECT % FROM ONLY %'
       ORDER BY calls DESC`,
    );
    const total = rows.reduce((sum, r) => sum + Number(r.calls), 0);
    return {
      perMessage: round(total / messages, 2),
      top: rows.slice(0, 10).map((r) => ({ statement: r.query, perMessage: round(Number(r.calls) / messages, 3), meanMs: round(r.mean, 3) })),
    };
  } finally {
    await client.end();
  }
}
