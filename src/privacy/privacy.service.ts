import type { CaseListener } from '../cases/case-listener.ts';
import type { Db } from '../db/database.ts';
import type { CustomerRow } from '../db/schema.ts';
import type { Timers } from '../jobs/timers.ts';
import type { Logger } from '../logger.ts';
import type { Policy } from '../policy.ts';
import type { AnonymisedNotice } from './anonymise-cases.ts';
import { eraseCustomer, type ErasureSummary } from './erase-customer.ts';
import { exportCustomer, type CustomerExport } from './export-customer.ts';
import type { PrivacyHook } from './privacy-hook.ts';
import { consumeExportLink, findCustomerByIdentity, findCustomerOfCase } from './request.repository.ts';
import { runRetention, type RetentionReport } from './retention.ts';

/** Whose data: a channel identity, or the customer who opened a case. */
export type DataSubject = { channel: string; externalId: string } | { caseNumber: string };

export type ExportOutcome = { ok: true; data: CustomerExport } | { ok: false; reason: 'not_found' | 'link_used' };

/** A single-use download link (its id and expiry): the export runs only if the link was not used yet. */
export interface ExportLink {
  id: string;
  expiresAt: Date;
}
export type ErasureOutcome = { ok: true; summary: ErasureSummary } | { ok: false; reason: 'not_found' | 'already_erased' };

/** Durable notices "case anonymised", worked by the app: case listeners redact their copies. */
export const CASE_ANONYMISED_QUEUE = 'case-anonymised';
export interface CaseAnonymisedJob {
  caseId: number;
  number: string;
  reason: 'retention' | 'erasure';
}

export interface PrivacyDeps {
  db: Db;
  policy: Policy;
  logger: Logger;
  clock: () => Date;
  timers: Timers;
  /** Filled by the app once channel modules exist (same list as the conversation's). */
  caseListeners: readonly CaseListener[];
  /** What modules keep in their own tables (the web chat's transcript); filled by the app once channel modules exist. */
  privacyHooks: readonly PrivacyHook[];
  /** Wake the outbox after listeners wrote rows. */
  outboxWritten: () => void;
}

/**
 * Data subject requests and retention, callable from any front: the CLI
 * (`npm run privacy`), a Slack slash command, the daily job. `actor` names
 * who asked, for the audit log: `cli:<os user>`, `staff:<slack user id>`,
 * `system:retention`. Identity must be verified by staff before calling:
 * nothing here checks who the requester is.
 */
export class PrivacyService {
  constructor(private readonly deps: PrivacyDeps) {}

  /**
   * With `link`, the link is consumed in the export's transaction: the first
   * download that finds the customer uses it, any other gets `link_used`.
   */
  async exportCustomer(subject: DataSubject, actor: string, link?: ExportLink): Promise<ExportOutcome> {
    const now = this.deps.clock();
    const outcome = await this.deps.db.transaction().execute(async (trx): Promise<ExportOutcome> => {
      const customer = await this.find(trx, subject);
      if (!customer) return { ok: false, reason: 'not_found' };
      if (link && !(await consumeExportLink(trx, link, actor, now))) return { ok: false, reason: 'link_used' };
      return { ok: true, data: await exportCustomer(trx, customer, { actor, now, hooks: this.deps.privacyHooks, ...(link ? { linkId: link.id } : {}) }) };
    });
    if (outcome.ok) this.deps.logger.info({ actor, cases: outcome.data.cases.length }, 'customer data exported');
    else this.deps.logger.info({ actor, reason: outcome.reason }, 'customer data export refused');
    return outcome;
  }

  async eraseCustomer(subject: DataSubject, actor: string): Promise<ErasureOutcome> {
    const now = this.deps.clock();
    const outcome = await this.deps.db.transaction().execute(async (trx): Promise<ErasureOutcome> => {
      const customer = await this.find(trx, subject, true);
      if (!customer) return { ok: false, reason: 'not_found' };
      if (customer.anonymised_at !== null) return { ok: false, reason: 'already_erased' };
      return { ok: true, summary: await eraseCustomer(trx, customer, { actor, now, notify: this.notice(now), hooks: this.deps.privacyHooks }) };
    });
    if (outcome.ok) {
      const { cases, ...counts } = outcome.summary;
      this.deps.logger.info({ actor, cases: cases.length, ...counts }, 'customer data erased');
    } else {
      this.deps.logger.info({ actor, reason: outcome.reason }, 'customer data erasure refused');
    }
    return outcome;
  }

  /** One retention pass as of the app clock (the daily job calls this). */
  async runRetention(): Promise<RetentionReport> {
    const now = this.deps.clock();
    const { timers } = this.deps;
    const notices = { hold: (trx: Db) => timers.holdIn(trx), flush: (trx: Db) => timers.flush(trx) };
    return runRetention({ db: this.deps.db, policy: this.deps.policy, logger: this.deps.logger, notify: this.notice(now), hooks: this.deps.privacyHooks, notices }, now);
  }

  /** Worker of CASE_ANONYMISED_QUEUE: case listeners write their redactions (outbox rows) in one transaction. */
  async caseAnonymised(job: CaseAnonymisedJob): Promise<void> {
    const listeners = this.deps.caseListeners.filter((l) => l.caseAnonymised);
    if (listeners.length === 0) return;
    const at = this.deps.clock();
    await this.deps.db.transaction().execute(async (trx) => {
      for (const listener of listeners) await listener.caseAnonymised!(trx, { ...job, at });
    });
    this.deps.outboxWritten();
  }

  private notice(now: Date): AnonymisedNotice {
    return (trx, notice) => this.deps.timers.schedule(trx, CASE_ANONYMISED_QUEUE, notice satisfies CaseAnonymisedJob, now);
  }

  private find(trx: Db, subject: DataSubject, lock = false): Promise<CustomerRow | undefined> {
    return 'caseNumber' in subject
      ? findCustomerOfCase(trx, subject.caseNumber, lock)
      : findCustomerByIdentity(trx, subject.channel, subject.externalId, lock);
  }
}
