import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../src/db/database.ts';
import type { CaseRow, CustomerRow } from '../../src/db/schema.ts';

/**
 * Builders for records at chosen dates (retention needs cases closed years
 * ago). They write rows the way the app does; overrides pick the fields a
 * test cares about.
 */
let serial = 0;

export async function createCustomer(db: Db, overrides: Partial<Record<keyof CustomerRow, unknown>> = {}): Promise<CustomerRow> {
  serial += 1;
  const values = {
    channel: 'webchat',
    external_id: `visitor-${serial}-${randomUUID().slice(0, 8)}`,
    address: {},
    display_name: null,
    locale: 'en',
    state: { v: 1, locale: 'en' },
    ...overrides,
  } as Record<string, unknown>;
  if (!('address' in overrides)) values.address = { visitorId: values.external_id };
  values.address = JSON.stringify(values.address);
  values.state = JSON.stringify(values.state);
  return db.insertInto('customers').values(values as never).returningAll().executeTakeFirstOrThrow();
}

export interface CaseFixture {
  row: CaseRow;
  /** Texts written into the case, for "is it gone?" checks. */
  texts: string[];
}

/** A case with description, contact, one customer message and one evidence file. */
export async function createCase(db: Db, customer: CustomerRow, overrides: Partial<Record<keyof CaseRow, unknown>> = {}): Promise<CaseFixture> {
  serial += 1;
  const created = (overrides.created_at as Date | undefined) ?? new Date();
  const tag = `${serial}${randomUUID().slice(0, 6)}`;
  const texts = [`Kettle ${tag} leaked onto the counter`, `Person ${tag}`, `p${tag}@example.net`, `Shop ${tag} on High Street`, `photo-${tag}.jpg`, `Follow-up ${tag} message`];
  const fileId = randomUUID();
  const row = await db
    .insertInto('cases')
    .values({
      number: `C-2099-${String(serial).padStart(6, '0')}`,
      customer_id: customer.id,
      channel: customer.channel,
      locale: 'en',
      status: 'new',
      severity: 'general',
      category: 'product_quality',
      description: texts[0]!,
      when_where: texts[3]!,
      order_ref: `ORD-${String(serial).padStart(6, '0')}`,
      desired_resolution: 'refund',
      evidence: JSON.stringify([{ id: fileId, fileName: texts[4]!, mimeType: 'image/jpeg', sizeBytes: 3 }]),
      contact_name: texts[1]!,
      contact_phone: `+4477009${String(serial).padStart(5, '0')}`,
      contact_email: texts[2]!,
      consent_given: true,
      consent_version: '2026-11',
      consent_at: created,
      opened_via: 'intake',
      first_response_due_at: new Date(created.getTime() + 86_400_000),
      resolution_due_at: new Date(created.getTime() + 3 * 86_400_000),
      created_at: created,
      updated_at: created,
      ...overrides,
    } as never)
    .returningAll()
    .executeTakeFirstOrThrow();
  texts.push(row.contact_phone!);
  await db
    .insertInto('attachments')
    .values({ id: fileId, customer_id: customer.id, case_id: row.id, channel: customer.channel, file_name: texts[4]!, mime_type: 'image/jpeg', size_bytes: 3, content: Buffer.from('abc') })
    .execute();
  await db
    .insertInto('case_messages')
    .values({ case_id: row.id, direction: 'customer', body: texts[5]!, attachments: JSON.stringify([{ id: fileId, fileName: texts[4]!, mimeType: 'image/jpeg', sizeBytes: 3 }]) })
    .execute();
  await db
    .insertInto('case_events')
    .values({ case_id: row.id, at: created, actor: `customer:${customer.id}`, action: 'created', to_value: 'new', details: JSON.stringify({ severity: row.severity }) })
    .execute();
  return { row, texts };
}

/** Counts by category and severity: the figures reports are built from. */
export async function reportFigures(db: Db): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('cases')
    .select(['category', 'severity', 'status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy(['category', 'severity', 'status'])
    .execute();
  return Object.fromEntries(rows.map((r) => [`${r.category}/${r.severity}/${r.status}`, Number(r.n)]));
}

/**
 * Every row of every text, varchar, json, jsonb or bytea column of every
 * table in the database (all schemas but the system ones) that contains one
 * of `needles`: `schema.table.column` → the needles found there.
 */
export async function findAnywhere(db: Db, needles: string[]): Promise<Record<string, string[]>> {
  const { rows: columns } = await sql<{ table_schema: string; table_name: string; column_name: string; data_type: string }>`
    SELECT c.table_schema, c.table_name, c.column_name, c.data_type
    FROM information_schema.columns c
    JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
    WHERE c.table_schema NOT IN ('pg_catalog', 'information_schema')
      AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'bytea', 'ARRAY')`.execute(db);
  const found: Record<string, string[]> = {};
  const variants = needles.flatMap((needle) => [needle.toLowerCase(), jsonEscaped(needle).toLowerCase()]);
  for (const column of columns) {
    const ref = sql`${sql.id(column.table_schema, column.table_name)}`;
    const col = sql.id(column.column_name);
    const condition =
      column.data_type === 'bytea' ? sql`position(convert_to(n, 'UTF8') in t.${col}) > 0` : sql`strpos(lower(t.${col}::text), n) > 0`;
    const { rows } = await sql<{ n: string }>`
      SELECT n FROM unnest(${column.data_type === 'bytea' ? needles : variants}::text[]) AS n
      WHERE EXISTS (SELECT 1 FROM ${ref} AS t WHERE ${condition})`.execute(db);
    if (rows.length === 0) continue;
    const hits = new Set(rows.map((r) => r.n));
    found[`${column.table_schema}.${column.table_name}.${column.column_name}`] = needles.filter(
      (needle) => hits.has(needle) || hits.has(needle.toLowerCase()) || hits.has(jsonEscaped(needle).toLowerCase()),
    );
  }
  return found;
}

/** How a string appears inside JSON text when it has non-ASCII characters escaped (\uXXXX). */
function jsonEscaped(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
