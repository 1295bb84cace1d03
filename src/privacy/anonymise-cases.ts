import { appendCaseEvents } from '../cases/case.repository.ts';
import type { Db } from '../db/database.ts';
import { anonymiseCaseRecords, anonymiseIdentityRecords, type IdentityAnonymisation } from './anonymise.repository.ts';
import type { PrivacyHook, PrivacySubject } from './privacy-hook.ts';

export interface CasesAnonymised {
  cases: number;
  messages: number;
  attachments: number;
  outbox: number;
}

/** Called once per anonymised case, inside the transaction (schedules the durable `case-anonymised` job). */
export type AnonymisedNotice = (trx: Db, notice: { caseId: number; number: string; reason: 'retention' | 'erasure' }) => Promise<void>;

/**
 * Anonymises cases inside the caller's transaction, records one audit event
 * per case (`anonymised` by retention, `data_erased` on request) and
 * schedules the notice that lets case listeners redact copies held elsewhere
 * (the Slack card and thread) — also when this runs in the CLI process.
 */
export async function anonymiseCases(
  trx: Db,
  cases: ReadonlyArray<{ id: number; number: string }>,
  input: { now: Date; actor: string; reason: 'retention' | 'erasure'; notify: AnonymisedNotice; requestId?: number },
): Promise<CasesAnonymised> {
  if (cases.length === 0) return { cases: 0, messages: 0, attachments: 0, outbox: 0 };
  const done = await anonymiseCaseRecords(
    trx,
    cases.map((c) => c.id),
    input.now,
  );
  await appendCaseEvents(
    trx,
    cases.map((c) => ({
      caseId: c.id,
      at: input.now,
      actor: input.actor,
      action: input.reason === 'retention' ? 'anonymised' : 'data_erased',
      details: {
        reason: input.reason,
        messages: done.messages.get(c.id) ?? 0,
        attachments: done.attachments.get(c.id) ?? 0,
        outboxRows: done.outbox.get(c.id) ?? 0,
        ...(input.requestId !== undefined ? { privacyRequestId: input.requestId } : {}),
      },
    })),
  );
  for (const c of cases) await input.notify(trx, { caseId: c.id, number: c.number, reason: input.reason });
  const sum = (map: Map<number, number>) => [...map.values()].reduce((a, b) => a + b, 0);
  return { cases: done.cases, messages: sum(done.messages), attachments: sum(done.attachments), outbox: sum(done.outbox) };
}

/**
 * Anonymises one identity inside the caller's transaction: the core tables
 * (anonymiseIdentityRecords), then what each module keeps (its
 * PrivacyHook), before the identity's external id is replaced.
 */
export async function anonymiseIdentity(
  trx: Db,
  customer: PrivacySubject,
  input: { now: Date; marker: 'erased' | 'anonymised'; hooks: readonly PrivacyHook[] },
): Promise<IdentityAnonymisation & { transcript: number }> {
  let transcript = 0;
  for (const hook of input.hooks) transcript += await hook.eraseCustomer(trx, customer);
  return { ...(await anonymiseIdentityRecords(trx, customer, input.now, input.marker)), transcript };
}
