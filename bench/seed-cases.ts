import pg from 'pg';

/**
 * `npm run bench:seed -- --cases=1000000 [--years=3]` against DATABASE_URL
 * (a migrated hearken database; `npm run bench:reports` makes one): a
 * company's history for the reports at scale. Cases spread over the last
 * `years`, with a realistic mix — categories and channels weighted as the
 * policies' shops see them, ~8 % major, most resolved and closed, some
 * breached, reopened or still open, staff owners and teams — each with its
 * audit trail (created, claimed, resolved, closed; one in fifty reopened), and a
 * satisfaction survey for a third of the resolved ones, the customer's
 * message and the staff reply on the case, a photo as evidence on one case
 * in five, and the last 30 days' inbound delivery ids. Written in chunks
 * of set-based INSERTs (generate_series), no personal data: names and
 * contacts are synthetic.
 */
export interface SeedOptions {
  cases: number;
  years: number;
  chunk?: number;
  now?: Date;
  log?: (line: string) => void;
}

const CATEGORIES = ['product_quality', 'product_quality', 'product_quality', 'after_sales_repair', 'after_sales_repair', 'delivery_installation', 'service_attitude', 'price_billing', 'other'];
const CHANNELS = ['webchat', 'webchat', 'telegram', 'botframework'];
const AGENTS = ['U0AGENT01', 'U0AGENT02', 'U0AGENT03', 'U0AGENT04', 'U0AGENT05', 'U0AGENT06', 'U0AGENT07', 'U0AGENT08'];
const TEAMS = ['front', 'after-sales', 'billing'];

const arrayLiteral = (values: readonly string[]) => `ARRAY[${values.map((v) => `'${v}'`).join(',')}]`;

export async function seedCases(databaseUrl: string, options: SeedOptions): Promise<{ cases: number; seconds: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const started = performance.now();
  const now = options.now ?? new Date();
  const spanSeconds = Math.round(options.years * 365 * 86_400);
  const chunk = options.chunk ?? 50_000;
  try {
    for (let offset = 0; offset < options.cases; offset += chunk) {
      const n = Math.min(chunk, options.cases - offset);
      await client.query('BEGIN');
      // One synthetic customer per case (repeat customers are a small share of a shop's complaints).
      await client.query(
        `CREATE TEMP TABLE seed ON COMMIT DROP AS
         SELECT g AS k,
                $1::timestamptz - make_interval(secs => ($2::bigint * ((g * 7919) % 1000003) / 1000003.0)) AS opened,
                ((g * 31) % 1000) AS r
         FROM generate_series($3::bigint, $4::bigint) AS g`,
        [now, spanSeconds, offset + 1, offset + n],
      );
      await client.query(
        `INSERT INTO customers (channel, external_id, address, display_name, locale, state, created_at, updated_at)
         SELECT (${arrayLiteral(CHANNELS)})[1 + k % ${CHANNELS.length}], 'seed-' || k, '{}'::jsonb, 'Customer ' || k,
                CASE WHEN r < 700 THEN 'zh-CN' ELSE 'en' END, '{}'::jsonb, opened, opened
         FROM seed`,
      );
      await client.query(
        `INSERT INTO cases (number, customer_id, channel, locale, status, severity, severity_reasons, category, description,
                            desired_resolution, evidence, contact_name, contact_email, consent_given, consent_version, consent_at, opened_via,
                            owner, team, first_response_due_at, resolution_due_at, first_responded_at, resolved_at, closed_at,
                            created_at, updated_at, determination, root_cause, remedy, first_response_breached_at, resolution_breached_at)
         SELECT 'S-' || to_char(s.opened, 'YYYY') || '-' || lpad(s.k::text, 7, '0'), c.id, c.channel, c.locale,
                CASE WHEN s.opened > $1::timestamptz - interval '3 days' AND s.r % 3 = 0 THEN 'new'
                     WHEN s.opened > $1::timestamptz - interval '10 days' AND s.r % 4 = 0 THEN 'in_progress'
                     WHEN s.r % 50 = 0 THEN 'resolved' ELSE 'closed' END,
                CASE WHEN s.r < 80 THEN 'major' ELSE 'general' END,
                CASE WHEN s.r < 80 THEN '["injury: seed"]'::jsonb ELSE '[]'::jsonb END,
                (${arrayLiteral(CATEGORIES)})[1 + s.k % ${CATEGORIES.length}],
                'Seeded complaint ' || s.k, (ARRAY['refund','replacement','repair','apology'])[1 + s.r % 4],
                CASE WHEN s.r % 5 = 1 THEN jsonb_build_array(jsonb_build_object('id', 'seed-file-' || s.k, 'fileName', 'photo-' || s.k || '.jpg', 'mimeType', 'image/jpeg', 'sizeBytes', 180000)) ELSE '[]'::jsonb END,
                'Customer ' || s.k, 'customer' || s.k || '@example.invalid', true, '2026-11', s.opened, 'bot',
                (${arrayLiteral(AGENTS)})[1 + s.r % ${AGENTS.length}], (${arrayLiteral(TEAMS)})[1 + s.k % ${TEAMS.length}],
                s.opened + interval '24 hours', s.opened + interval '7 days',
                s.opened + make_interval(mins => (20 + (s.r * 37) % 2000)::int),
                CASE WHEN s.opened > $1::timestamptz - interval '10 days' AND s.r % 4 = 0 THEN NULL ELSE s.opened + make_interval(hours => (2 + (s.r * 13) % 200)::int) END,
                CASE WHEN s.opened > $1::timestamptz - interval '10 days' AND s.r % 4 = 0 THEN NULL WHEN s.r % 50 = 0 THEN NULL ELSE s.opened + make_interval(hours => (220 + s.r % 100)::int) END,
                s.opened, s.opened + make_interval(hours => (2 + (s.r * 13) % 200)::int),
                CASE WHEN s.r % 3 = 0 THEN 'not_upheld' ELSE 'upheld' END, (ARRAY['product_defect','staff_error','logistics','customer_misunderstanding'])[1 + s.r % 4],
                (ARRAY['refund','replacement','repair','apology'])[1 + s.k % 4],
                CASE WHEN (s.r * 37) % 2000 > 1420 THEN s.opened + interval '24 hours' END,
                CASE WHEN (s.r * 13) % 200 > 168 THEN s.opened + interval '7 days' END
         FROM seed s JOIN customers c ON c.external_id = 'seed-' || s.k AND c.channel = (${arrayLiteral(CHANNELS)})[1 + s.k % ${CHANNELS.length}]`,
        [now],
      );
      // The audit trail: created, claimed, first response, resolved, closed (as far as the case went).
      await client.query(
        `INSERT INTO case_events (case_id, at, actor, action, from_value, to_value, details)
         SELECT c.id, e.at, e.actor, e.action, e.from_value, e.to_value, '{}'::jsonb
         FROM cases c JOIN seed s ON c.number = 'S-' || to_char(s.opened, 'YYYY') || '-' || lpad(s.k::text, 7, '0'),
         LATERAL (VALUES (c.created_at, 'customer', 'created', NULL, 'new'),
                         (c.first_responded_at, c.owner, 'claimed', 'new', 'in_progress'),
                         (c.resolved_at, c.owner, 'resolved', 'in_progress', 'resolved'),
                         -- One resolved case in fifty was reopened once before its final resolution.
                         (CASE WHEN s.r % 50 = 7 THEN c.first_responded_at + (c.resolved_at - c.first_responded_at) / 2 END, 'customer', 'reopened', 'resolved', 'reopened'),
                         (c.closed_at, 'system', 'closed', 'resolved', 'closed')) AS e(at, actor, action, from_value, to_value)
         WHERE e.at IS NOT NULL`,
      );
      // The conversation kept on the case: the customer's complaint and the staff reply.
      await client.query(
        `INSERT INTO case_messages (case_id, direction, author, body, attachments, created_at)
         SELECT c.id, m.direction, m.author, m.body, '[]'::jsonb, m.at
         FROM cases c JOIN seed s ON c.number = 'S-' || to_char(s.opened, 'YYYY') || '-' || lpad(s.k::text, 7, '0'),
         LATERAL (VALUES ('customer', NULL, 'Seeded complaint message ' || s.k, c.created_at),
                         ('staff', c.owner, 'Seeded staff reply ' || s.k, c.first_responded_at)) AS m(direction, author, body, at)
         WHERE m.at IS NOT NULL`,
      );
      // A photo as evidence on one case in five (its bytes live in the file store, not here).
      await client.query(
        `INSERT INTO attachments (id, customer_id, case_id, channel, file_name, mime_type, size_bytes, content, created_at)
         SELECT 'seed-file-' || s.k, c.customer_id, c.id, c.channel, 'photo-' || s.k || '.jpg', 'image/jpeg', 180000, NULL, c.created_at
         FROM cases c JOIN seed s ON c.number = 'S-' || to_char(s.opened, 'YYYY') || '-' || lpad(s.k::text, 7, '0')
         WHERE s.r % 5 = 1`,
      );
      await client.query(
        `INSERT INTO surveys (case_id, customer_id, channel, owner, status, scheduled_for, sent_at, answered_at, expires_at, resolved, csat, nps, created_at)
         SELECT c.id, c.customer_id, c.channel, c.owner, CASE WHEN s.r % 5 = 0 THEN 'expired' ELSE 'answered' END,
                c.resolved_at + interval '1 hour', c.resolved_at + interval '1 hour',
                CASE WHEN s.r % 5 = 0 THEN NULL ELSE c.resolved_at + interval '5 hours' END, c.resolved_at + interval '73 hours',
                CASE WHEN s.r % 5 = 0 THEN NULL ELSE s.r % 4 <> 0 END,
                CASE WHEN s.r % 5 = 0 THEN NULL ELSE 1 + (s.r * 7) % 5 END,
                CASE WHEN s.r % 5 = 0 THEN NULL ELSE (s.r * 11) % 11 END, c.resolved_at + interval '1 hour'
         FROM cases c JOIN seed s ON c.number = 'S-' || to_char(s.opened, 'YYYY') || '-' || lpad(s.k::text, 7, '0')
         WHERE c.resolved_at IS NOT NULL AND s.r % 3 = 0`,
      );
      await client.query('COMMIT');
      options.log?.(`seeded ${offset + n} of ${options.cases} cases (${Math.round((performance.now() - started) / 1000)} s)`);
    }
    // Delivery ids are kept 30 days (dedupe): about eight inbound updates per case opened since then.
    await client.query(
      `INSERT INTO inbound_deliveries (channel, delivery_id, received_at)
       SELECT cu.channel, CASE WHEN cu.channel = 'webchat' THEN cu.external_id || ':m' || i ELSE 'seed:' || c.id || ':' || i END,
              c.created_at + make_interval(mins => i * 3)
       FROM cases c JOIN customers cu ON cu.id = c.customer_id, generate_series(1, 8) AS i
       WHERE c.created_at > $1::timestamptz - interval '30 days'`,
      [now],
    );
    // A live database's tables have been vacuumed (autovacuum also runs on inserts since PostgreSQL 13): the
    // visibility map lets the report's index-only scans skip the heap. Right after a bulk load it is empty.
    await client.query('VACUUM (ANALYZE)');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
  return { cases: options.cases, seconds: Math.round((performance.now() - started) / 100) / 10 };
}
