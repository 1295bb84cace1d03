import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import type { DeliveryObserver } from '../outbox/outbox-worker.ts';
import { outboxBacklog } from '../outbox/outbox.repository.ts';
import { deadlineBreachesBySeverity, openCasesBySeverity, overdueOpenCases, surveyResponses } from './metrics.repository.ts';

/** The response rate looks at surveys sent this recently: a rate over all time would hardly move. */
const RESPONSE_RATE_WINDOW_DAYS = 30;

/**
 * Prometheus metrics of one process. Counters are in-memory increments on
 * the hot path (per instance: Prometheus sums instances); figures that live
 * in the database are read only when /metrics is scraped.
 */
export class Metrics implements DeliveryObserver {
  readonly registry = new Registry();
  private readonly inbound = this.counter('hearken_inbound_messages_total', 'Customer messages handled (new deliveries), by channel.', ['channel']);
  private readonly duplicates = this.counter('hearken_inbound_duplicates_total', 'Redelivered inbound messages that were ignored, by channel.', ['channel']);
  private readonly dropped = this.counter('hearken_inbound_dropped_total', 'Inbound updates given up on after repeated failures to handle them (the message is lost), by channel.', ['channel']);
  private readonly flooded = this.counter('hearken_inbound_rate_limited_total', 'Inbound messages refused by the per-customer flood limit, by channel.', ['channel']);
  private readonly overloaded = this.counter('hearken_inbound_overloaded_total', 'Inbound messages refused because the inbound queue was full (503, the sender retries), by channel.', ['channel']);
  private readonly batches = new Histogram({
    name: 'hearken_inbound_batch_size',
    help: 'Customer messages committed per inbound transaction (group commit; 1 when the system is quiet).',
    buckets: [1, 2, 4, 8, 16, 32, 64],
    registers: [this.registry],
  });
  private readonly outbound = this.counter('hearken_outbound_messages_total', 'Outbound messages delivered, by channel.', ['channel']);
  private readonly failures = this.counter('hearken_delivery_failures_total', 'Failed delivery attempts by channel; kind=retry (will be retried) or permanent (given up).', ['channel', 'kind']);
  private readonly databaseUp = this.gauge('hearken_database_up', '1 when the last scrape could read the database.', []);
  private readonly outboxPending = this.gauge('hearken_outbox_pending', 'Outbound messages waiting for delivery.', []);
  private readonly outboxOldest = this.gauge('hearken_outbox_oldest_pending_seconds', 'Age of the oldest undelivered outbound message.', []);
  private readonly openCases = this.gauge('hearken_open_cases', 'Cases not yet resolved or closed, by severity.', ['severity']);
  private readonly overdue = this.gauge('hearken_open_cases_overdue', 'Open cases past a deadline now; deadline=first_response or resolution.', ['deadline']);
  private readonly surveysSent = this.gauge('hearken_surveys_sent', 'Case surveys sent to customers (all time).', []);
  private readonly surveysAnswered = this.gauge('hearken_surveys_answered', 'Case surveys sent and answered (all time).', []);
  private readonly responseRate = this.gauge(
    'hearken_survey_response_rate',
    `Share (0-1) of the case surveys sent in the last ${RESPONSE_RATE_WINDOW_DAYS} days that were answered; NaN when none was sent.`,
    [],
  );
  private readonly breaches = this.gauge('hearken_deadlines_breached', 'Deadline breaches recorded in the audit log (deadline_breached events, all time), by severity.', ['severity']);

  constructor(
    private readonly db: Db,
    private readonly options: { severities: readonly string[]; clock: () => Date; logger: Logger },
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'hearken_' });
  }

  inboundHandled(channel: string, outcome: 'new' | 'duplicate' | 'rate_limited' | 'overloaded'): void {
    ({ new: this.inbound, duplicate: this.duplicates, rate_limited: this.flooded, overloaded: this.overloaded })[outcome].inc({ channel });
  }

  inboundDropped(channel: string): void {
    this.dropped.inc({ channel });
  }

  inboundBatchCommitted(size: number): void {
    this.batches.observe(size);
  }

  delivered(channel: string, count: number): void {
    this.outbound.inc({ channel }, count);
  }

  retried(channel: string): void {
    this.failures.inc({ channel, kind: 'retry' });
  }

  failed(channel: string): void {
    this.failures.inc({ channel, kind: 'permanent' });
  }

  /** The exposition text, with the database figures read now. Never throws for a database error. */
  async render(): Promise<{ contentType: string; body: string }> {
    try {
      await this.readDatabase();
      this.databaseUp.set(1);
    } catch (error) {
      this.databaseUp.set(0);
      this.options.logger.warn({ err: error }, 'metrics: database figures unavailable');
    }
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private async readDatabase(): Promise<void> {
    const backlog = await outboxBacklog(this.db);
    const open = await openCasesBySeverity(this.db);
    const overdue = await overdueOpenCases(this.db, this.options.clock());
    const breaches = await deadlineBreachesBySeverity(this.db);
    this.outboxPending.set(backlog.pending);
    this.outboxOldest.set(backlog.oldestSeconds);
    setAll(this.openCases, this.options.severities, open);
    this.overdue.set({ deadline: 'first_response' }, overdue.firstResponse);
    this.overdue.set({ deadline: 'resolution' }, overdue.resolution);
    setAll(this.breaches, this.options.severities, breaches);
    const since = new Date(this.options.clock().getTime() - RESPONSE_RATE_WINDOW_DAYS * 86_400_000);
    const surveys = await surveyResponses(this.db, since);
    this.surveysSent.set(surveys.sent);
    this.surveysAnswered.set(surveys.answered);
    // 0 of 0 is no rate: NaN, as Prometheus itself gives for 0/0.
    this.responseRate.set(surveys.recentSent > 0 ? surveys.recentAnswered / surveys.recentSent : Number.NaN);
  }

  private counter<L extends string>(name: string, help: string, labelNames: L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  private gauge<L extends string>(name: string, help: string, labelNames: L[]): Gauge<L> {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }
}

/** Every configured severity gets a series (0 when none), plus any other severity found. */
function setAll(gauge: Gauge<'severity'>, severities: readonly string[], rows: Array<{ severity: string; count: number }>): void {
  gauge.reset();
  for (const severity of severities) gauge.set({ severity }, 0);
  for (const row of rows) gauge.set({ severity: row.severity }, row.count);
}
