import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { countUnattachedUploads, findOwnAttachments } from '../../src/cases/attachment.repository.ts';
import type { Db } from '../../src/db/database.ts';
import { answerRateLimited } from '../../src/http/server.ts';
import type { ConversationService } from '../../src/inbound/conversation.service.ts';
import { findCustomerId, registerCustomer } from '../../src/cases/customer.repository.ts';
import { storeUpload } from '../../src/inbound/evidence-intake.ts';
import { FloodGuard } from '../../src/inbound/flood-guard.ts';
import { wellFormed } from '../../src/inbound/well-formed.ts';
import type { Policy } from '../../src/policy.ts';
import { cleanText } from '../../src/conversation/validators.ts';
import { appendTranscript, readTranscript } from './webchat.repository.ts';
import type { TranscriptWakeups } from './webchat.wakeups.ts';
import { loadWebchatTexts, webchatPageRoutes } from './webchat.page.ts';
import { ErrorCode, errorBody } from '../../src/errors.ts';

const PUBLIC_DIR = join(dirname(fileURLToPath(import.meta.url)), 'public');
const MAX_WAIT_SECONDS = 25;
const HOUR_SECONDS = 3600;

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

/** Per client address (req.ip, which honours TRUST_PROXY) and per visitor. */
export interface WebchatLimits {
  sessionBurst: number;
  sessionsPerHour: number;
  uploadBurst: number;
  uploadsPerHour: number;
  /** Files a visitor may hold that no case holds yet (uploaded within the intake expiry). */
  unattachedUploads: number;
}

export interface WebchatDeps {
  db: Db;
  conversations: ConversationService;
  wakeups: TranscriptWakeups;
  policy: Policy;
  limits: WebchatLimits;
  clock: () => Date;
  /** Where prompts/<locale>/webchat.json (the page's own texts) are read from. */
  promptsDir: string;
}

interface Visitor {
  visitorId: string;
  customerId: number;
}

/** Visitor ids are a hash of the browser-held token: the database never holds a usable token. */
function visitorIdOf(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 40);
}

/** The page's own scripts (public/), served at /webchat/<file>; index.html loads them in this order. */
const PAGE_SCRIPTS = ['outbox.js', 'tray.js', 'chat-format.js', 'chat-texts.js', 'chat-session.js', 'chat-view.js', 'chat-embed.js', 'chat.js'];

function problem(res: Response, status: number, code: ErrorCode, message: string): void {
  res.status(status).json(errorBody(code, message));
}

/** The built-in website chat: the page, the embed script and its small JSON API. */
export function webchatRouter(deps: WebchatDeps): Router {
  const router = express.Router();
  const page = readFileSync(join(PUBLIC_DIR, 'index.html'), 'utf8');
  const script = (file: string) => ({ type: 'text/javascript; charset=utf-8', body: readFileSync(join(PUBLIC_DIR, file), 'utf8') });
  const staticFiles: Record<string, { type: string; body: string }> = {
    '/widget.js': script('widget.js'),
    ...Object.fromEntries(PAGE_SCRIPTS.map((file) => [`/webchat/${file}`, script(file)])),
    '/webchat/chat.css': { type: 'text/css; charset=utf-8', body: readFileSync(join(PUBLIC_DIR, 'chat.css'), 'utf8') },
  };
  const { limits } = deps;
  const sessionGuard = new FloodGuard({ burst: limits.sessionBurst, perSecond: limits.sessionsPerHour / HOUR_SECONDS });
  const uploadGuard = new FloodGuard({ burst: limits.uploadBurst, perSecond: limits.uploadsPerHour / HOUR_SECONDS });

  const known = new KnownVisitors();
  /**
   * Only tokens this server issued (their visitor has a row), checked before
   * any body is read. Messages and polls may trust a visitor seen in the last
   * minute (no query per poll); uploads, which store under the customer id,
   * always look it up.
   */
  const visitor = (fresh: boolean) => async (req: Request, res: Response, next: NextFunction) => {
    const token = /^Bearer ([A-Za-z0-9_-]{32,64})$/.exec(req.get('authorization') ?? '')?.[1];
    const visitorId = token ? visitorIdOf(token) : undefined;
    let customerId = visitorId && !fresh ? known.get(visitorId) : undefined;
    // A visitor is a web chat customer row, created when the token is issued: no row, never issued (or erased or anonymised since).
    if (visitorId && customerId === undefined) customerId = await findCustomerId(deps.db, 'webchat', visitorId);
    if (!visitorId || customerId === undefined) return problem(res, 401, ErrorCode.Unauthenticated, 'A valid session token is required.');
    known.set(visitorId, customerId);
    res.locals.visitor = { visitorId, customerId } satisfies Visitor;
    next();
  };
  const visitorOf = (res: Response) => res.locals.visitor as Visitor;

  router.get('/', (_req, res) => {
    res.set('content-security-policy', "default-src 'self'; img-src 'self' data: blob:; frame-ancestors *").type('html').send(page);
  });
  for (const [path, file] of Object.entries(staticFiles)) {
    router.get(path, (_req, res) => {
      res.set('cache-control', 'public, max-age=300').type(file.type).send(file.body);
    });
  }
  router.use(webchatPageRoutes({ db: deps.db, policy: deps.policy, texts: loadWebchatTexts(deps.promptsDir), unattachedUploads: deps.limits.unattachedUploads, visitorIdOf }));

  router.post('/webchat/session', async (req, res) => {
    const { waitMs } = sessionGuard.admit(req.ip ?? 'unknown');
    if (waitMs > 0) return answerRateLimited(res, waitMs, 'Too many new chats from your network. Please try again later.');
    const token = randomBytes(32).toString('base64url');
    const visitorId = visitorIdOf(token);
    // A fresh random token never collides; should it, the row is the same visitor's.
    known.set(visitorId, await registerCustomer(deps.db, { channel: 'webchat', externalId: visitorId, address: { visitorId }, locale: 'en' }));
    res.status(201).json({ token });
  });

  router.post('/webchat/messages', visitor(false), express.json({ limit: '64kb' }), async (req, res) => {
    const { visitorId, customerId } = visitorOf(res);
    const parsed = messageSchema.safeParse(req.body);
    if (!parsed.success) return problem(res, 400, ErrorCode.InvalidMessage, parsed.error.issues[0]?.message ?? 'Invalid message.');
    // A lone surrogate or NUL is repaired here too: the transcript line below is stored before the engine sees the message.
    const body = wellFormed(parsed.data);
    if (!body.text?.trim() && !body.choice && !body.attachmentIds?.length) {
      return problem(res, 400, ErrorCode.EmptyMessage, 'The message has no text, choice or attachment.');
    }
    const attachments = await findOwnAttachments(deps.db, customerId, body.attachmentIds ?? []);
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
        // The page matches its pending bubble to this line by the id it sent.
        clientId: body.id,
      });
    }, { rejectWhenLimited: true });
    if (!outcome.ok && outcome.reason === 'rate_limited') {
      return answerRateLimited(res, outcome.retryAfterMs, 'You are sending messages too quickly. Please wait a moment and send again.');
    }
    res.status(202).json({ accepted: true, duplicate: !outcome.ok });
  });

  router.get('/webchat/messages', visitor(false), async (req, res) => {
    const { visitorId } = visitorOf(res);
    const cursor = String(req.query.after ?? '0');
    // Transcript ids are bigserial: 15 digits stay exact in a JS number and far above any real id.
    if (!/^\d{1,15}$/.test(cursor)) return problem(res, 400, ErrorCode.InvalidCursor, '`after` must be a message id.');
    const after = Number(cursor);
    const wait = Math.min(MAX_WAIT_SECONDS, Math.max(0, Number.parseFloat(String(req.query.wait ?? '0')) || 0));
    const messages = wait > 0 ? await waitForLines(deps, visitorId, after, wait * 1000, res) : await readTranscript(deps.db, visitorId, after);
    if (!res.writableEnded) res.json({ messages });
  });

  /** Rate per address and the visitor's quota, before the body is read. */
  const uploadAdmission = async (req: Request, res: Response, next: NextFunction) => {
    const { waitMs } = uploadGuard.admit(req.ip ?? 'unknown');
    if (waitMs > 0) return answerRateLimited(res, waitMs, 'Too many files from your network. Please wait a moment and send again.');
    const since = new Date(deps.clock().getTime() - deps.policy.intake.expireAfterSeconds * 1000);
    if ((await countUnattachedUploads(deps.db, visitorOf(res).customerId, since)) >= limits.unattachedUploads) {
      return problem(res, 429, ErrorCode.TooManyFiles, 'You have sent several files that are not part of a message yet. Send your message first, then more files.');
    }
    next();
  };

  router.post(
    '/webchat/attachments',
    visitor(true),
    uploadAdmission,
    express.raw({ type: () => true, limit: deps.policy.attachments.maxBytes }),
    async (req, res) => {
      const content = req.body as Buffer;
      if (!Buffer.isBuffer(content) || content.length === 0) return problem(res, 400, ErrorCode.EmptyFile, 'The file is empty.');
      // The declared type and name are the visitor's say-so: the evidence intake takes the type from the bytes, the extension from the type.
      const stored = await storeUpload(deps.db, { customerId: visitorOf(res).customerId, channel: 'webchat', fileName: headerFileName(req.get('x-file-name')), content }, deps.policy.attachments);
      if (!stored.ok) return problem(res, 415, ErrorCode.UnsupportedType, 'Photos (JPEG, PNG, WebP, GIF) and PDF documents are accepted.');
      const { id, fileName, mimeType } = stored.attachment;
      res.status(201).json({ id, fileName, mimeType, sizeBytes: content.length });
    },
  );

  return router;
}

/**
 * Reads the visitor's lines after `after`, waiting up to `waitMs` for one:
 * subscribed before the first read, so a line committed in between still wakes it.
 */
async function waitForLines(deps: WebchatDeps, visitorId: string, after: number, waitMs: number, res: Response) {
  let wake!: () => void;
  const woken = new Promise<void>((resolve) => (wake = resolve));
  const unsubscribe = deps.wakeups.subscribe(visitorId, () => wake());
  const timeout = setTimeout(() => wake(), waitMs);
  res.once('close', () => wake());
  try {
    const lines = await readTranscript(deps.db, visitorId, after);
    if (lines.length > 0) return lines;
    await woken;
    if (res.destroyed) return [];
    return await readTranscript(deps.db, visitorId, after);
  } finally {
    clearTimeout(timeout);
    unsubscribe();
  }
}

/** The page sends the name URI-encoded (headers are Latin-1); cleaning it is the evidence intake's (cleanFileName). */
function headerFileName(header: string | undefined): string {
  if (!header) return 'file';
  try {
    return decodeURIComponent(header);
  } catch {
    return header;
  }
}

const KNOWN_FOR_MS = 60_000;
const KNOWN_MAX = 10_000;

/** Visitor ids recently found issued, for a minute, in this process (oldest forgotten first). */
class KnownVisitors {
  private readonly entries = new Map<string, { customerId: number; until: number }>();

  get(visitorId: string): number | undefined {
    const entry = this.entries.get(visitorId);
    if (!entry) return undefined;
    if (entry.until > Date.now()) return entry.customerId;
    this.entries.delete(visitorId);
    return undefined;
  }

  set(visitorId: string, customerId: number): void {
    this.entries.delete(visitorId);
    if (this.entries.size >= KNOWN_MAX) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(visitorId, { customerId, until: Date.now() + KNOWN_FOR_MS });
  }
}
