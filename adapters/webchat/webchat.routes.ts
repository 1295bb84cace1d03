import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { InboundAttachment } from '../../src/channels/contract.ts';
import { acceptEvidence } from '../../src/channels/evidence.ts';
import type { Db } from '../../src/db/database.ts';
import { upsertAndLockCustomer } from '../../src/inbound/customer.repository.ts';
import type { ConversationService } from '../../src/inbound/conversation.service.ts';
import type { Policy } from '../../src/policy.ts';
import { cleanText } from '../../src/conversation/validators.ts';
import { appendTranscript, readTranscript } from './webchat.repository.ts';
import type { WebchatSender } from './webchat.sender.ts';

const PUBLIC_DIR = join(dirname(fileURLToPath(import.meta.url)), 'public');
const MAX_WAIT_SECONDS = 25;

const messageSchema = z
  .object({
    /** Client-generated id: a retried POST is recognised and not handled twice. */
    id: z.string().min(8).max(64).regex(/^[\w-]+$/),
    text: z.string().max(20_000).optional(),
    choice: z.string().max(200).optional(),
    /** Button label, shown in the visitor's own transcript. */
    label: z.string().max(200).optional(),
    attachmentIds: z.array(z.string().max(64)).max(10).optional(),
    locale: z.string().max(20).optional(),
  })
  .strict();

export interface WebchatDeps {
  db: Db;
  conversations: ConversationService;
  sender: WebchatSender;
  policy: Policy;
}

/** Visitor ids are a hash of the browser-held token: the database never holds a usable token. */
function visitorIdOf(req: Request): string | undefined {
  const header = req.get('authorization') ?? '';
  const token = /^Bearer ([A-Za-z0-9_-]{32,64})$/.exec(header)?.[1];
  return token ? createHash('sha256').update(token).digest('hex').slice(0, 40) : undefined;
}

function problem(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message } });
}

/** The built-in website chat: the page, the embed script and its small JSON API. */
export function webchatRouter(deps: WebchatDeps): Router {
  const router = express.Router();
  const page = readFileSync(join(PUBLIC_DIR, 'index.html'), 'utf8');
  const staticFiles: Record<string, { type: string; body: string }> = {
    '/widget.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(join(PUBLIC_DIR, 'widget.js'), 'utf8') },
    '/webchat/chat.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(join(PUBLIC_DIR, 'chat.js'), 'utf8') },
    '/webchat/chat.css': { type: 'text/css; charset=utf-8', body: readFileSync(join(PUBLIC_DIR, 'chat.css'), 'utf8') },
  };

  router.get('/', (_req, res) => {
    res.set('content-security-policy', "default-src 'self'; img-src 'self' data:; frame-ancestors *").type('html').send(page);
  });
  for (const [path, file] of Object.entries(staticFiles)) {
    router.get(path, (_req, res) => {
      res.set('cache-control', 'public, max-age=300').type(file.type).send(file.body);
    });
  }

  router.post('/webchat/session', (_req, res) => {
    res.status(201).json({ token: randomBytes(32).toString('base64url') });
  });

  router.post('/webchat/messages', express.json({ limit: '64kb' }), async (req, res) => {
    const visitorId = visitorIdOf(req);
    if (!visitorId) return problem(res, 401, 'unauthenticated', 'A valid session token is required.');
    const parsed = messageSchema.safeParse(req.body);
    if (!parsed.success) return problem(res, 400, 'invalid_message', parsed.error.issues[0]?.message ?? 'Invalid message.');
    const body = parsed.data;
    if (!body.text?.trim() && !body.choice && !body.attachmentIds?.length) {
      return problem(res, 400, 'empty_message', 'The message has no text, choice or attachment.');
    }
    const attachments = await findOwnAttachments(deps.db, visitorId, body.attachmentIds ?? []);
    const outcome = await deps.conversations.handleInbound({
      channel: 'webchat',
      externalUserId: visitorId,
      address: { visitorId },
      deliveryId: `${visitorId}:${body.id}`,
      text: body.text,
      choice: body.choice,
      attachments,
      locale: body.locale ?? req.get('accept-language')?.split(',')[0],
    }, async (trx) => {
      // The visitor's own line, committed with the message so the transcript keeps its order.
      await appendTranscript(trx, visitorId, 'in', {
        text: cleanText(body.choice ? (body.label ?? body.choice) : (body.text ?? '')).slice(0, 4000),
        attachments: attachments.map((a) => a.fileName),
      });
    }, { rejectWhenLimited: true });
    if (!outcome.ok && outcome.reason === 'rate_limited') {
      res.set('retry-after', String(Math.max(1, Math.ceil(outcome.retryAfterMs / 1000))));
      return problem(res, 429, 'rate_limited', 'You are sending messages too quickly. Please wait a moment and send again.');
    }
    res.status(202).json({ accepted: true, duplicate: !outcome.ok });
  });

  router.get('/webchat/messages', async (req, res) => {
    const visitorId = visitorIdOf(req);
    if (!visitorId) return problem(res, 401, 'unauthenticated', 'A valid session token is required.');
    const after = Number.parseInt(String(req.query.after ?? '0'), 10);
    const wait = Math.min(MAX_WAIT_SECONDS, Math.max(0, Number.parseFloat(String(req.query.wait ?? '0')) || 0));
    if (!Number.isFinite(after) || after < 0) return problem(res, 400, 'invalid_cursor', '`after` must be a message id.');
    let messages = await readTranscript(deps.db, visitorId, after);
    if (messages.length === 0 && wait > 0) {
      messages = await waitForMessages(deps, visitorId, after, wait * 1000, req);
    }
    res.json({ messages });
  });

  router.post('/webchat/attachments', express.raw({ type: () => true, limit: deps.policy.attachments.maxBytes }), async (req, res) => {
    const visitorId = visitorIdOf(req);
    if (!visitorId) return problem(res, 401, 'unauthenticated', 'A valid session token is required.');
    const content = req.body as Buffer;
    if (!Buffer.isBuffer(content) || content.length === 0) return problem(res, 400, 'empty_file', 'The file is empty.');
    // The declared type and name are the visitor's say-so: the type comes from the bytes, the extension from the type.
    const accepted = await acceptEvidence({ fileName: sanitiseFileName(req.get('x-file-name') ?? 'file') }, content, deps.policy.attachments);
    if (!accepted.ok) return problem(res, 415, 'unsupported_type', 'Photos (JPEG, PNG, WebP, GIF) and PDF documents are accepted.');
    const { fileName, mimeType } = accepted.file.attachment;
    const customer = await upsertAndLockCustomer(deps.db, { channel: 'webchat', externalId: visitorId, address: { visitorId }, locale: 'en' });
    const id = randomUUID();
    await deps.db
      .insertInto('attachments')
      .values({ id, customer_id: customer.id, case_id: null, channel: 'webchat', file_name: fileName, mime_type: mimeType, size_bytes: content.length, content })
      .execute();
    res.status(201).json({ id, fileName, mimeType, sizeBytes: content.length });
  });

  return router;
}

async function findOwnAttachments(db: Db, visitorId: string, ids: string[]): Promise<InboundAttachment[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('attachments')
    .innerJoin('customers', 'customers.id', 'attachments.customer_id')
    .select(['attachments.id', 'attachments.file_name', 'attachments.mime_type', 'attachments.size_bytes'])
    .where('customers.channel', '=', 'webchat')
    .where('customers.external_id', '=', visitorId)
    .where('attachments.id', 'in', ids)
    .execute();
  return rows.map((r) => ({ id: r.id, fileName: r.file_name, mimeType: r.mime_type, sizeBytes: r.size_bytes }));
}

function waitForMessages(deps: WebchatDeps, visitorId: string, after: number, waitMs: number, req: Request) {
  return new Promise<Awaited<ReturnType<typeof readTranscript>>>((resolve) => {
    let done = false;
    const finish = async () => {
      if (done) return;
      done = true;
      clearTimeout(timeout);
      clearInterval(poll);
      deps.sender.delivered.off(visitorId, onDelivered);
      resolve(await readTranscript(deps.db, visitorId, after).catch(() => []));
    };
    const onDelivered = () => void finish();
    deps.sender.delivered.on(visitorId, onDelivered);
    const timeout = setTimeout(() => void finish(), waitMs);
    // Another instance may have delivered: look at the table now and then.
    const poll = setInterval(async () => {
      const found = await readTranscript(deps.db, visitorId, after, 1).catch(() => []);
      if (found.length > 0) void finish();
    }, 1000);
    req.on('close', () => void finish());
  });
}

function sanitiseFileName(name: string): string {
  let decoded = name;
  try {
    decoded = decodeURIComponent(name);
  } catch {
    // keep the raw header value
  }
  const cleaned = decoded.replace(/[\u0000-\u001F\u007F/\\]/g, '_').trim().slice(0, 120);
  return cleaned || 'file';
}
