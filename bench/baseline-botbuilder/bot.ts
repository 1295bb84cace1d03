import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ActivityHandler,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConversationState,
  UserState,
  type StatePropertyAccessor,
  type TurnContext,
} from 'botbuilder';
import {
  AttachmentPrompt,
  ChoiceFactory,
  ChoicePrompt,
  ComponentDialog,
  ConfirmPrompt,
  DialogSet,
  DialogTurnStatus,
  TextPrompt,
  WaterfallDialog,
  type DialogState,
  type PromptValidatorContext,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { PostgresStorage } from './pg-storage.ts';

/**
 * The complaint intake built the way the Bot Framework samples build a
 * multi-turn conversation (samples/javascript_nodejs/05.multi-turn-prompt,
 * CoreBot): a ComponentDialog with a WaterfallDialog of prompts and
 * validators, an ActivityHandler that runs it and saves conversation and
 * user state after the turn, CloudAdapter without an app id (Emulator),
 * state in PostgreSQL through botbuilder's Storage interface. The case is
 * one INSERT at the end. For `npm run bench` only.
 */
const CATEGORIES = ['Product quality', 'Service attitude', 'Price or billing', 'Delivery or installation', 'After-sales repair', 'Something else'];
const RESOLUTIONS = ['Refund', 'Replacement', 'Repair', 'Compensation', 'Apology', 'Something else'];
const SKIP = /^(skip|none|n\/a|done)$/i;
const ORDER = /\b([A-Z]{2,5}-?\d{4,14})\b/;
const CONTACT = /^(\+?[\d\s()-]{7,20}|[^\s@]+@[^\s@]+\.[^\s@]+)$/;

interface Profile {
  name?: string;
  contact?: string;
}

class IntakeDialog extends ComponentDialog {
  constructor(
    private readonly profile: StatePropertyAccessor<Profile>,
    private readonly storage: PostgresStorage,
  ) {
    super('intakeDialog');
    this.addDialog(new ConfirmPrompt('consent'));
    this.addDialog(new ChoicePrompt('choice'));
    this.addDialog(new TextPrompt('description', async (p: PromptValidatorContext<string>) => p.recognized.succeeded && p.recognized.value!.trim().length >= 10 && p.recognized.value!.length <= 4000));
    this.addDialog(new TextPrompt('whenWhere', async (p: PromptValidatorContext<string>) => p.recognized.succeeded && p.recognized.value!.length <= 500));
    this.addDialog(new TextPrompt('orderRef', async (p: PromptValidatorContext<string>) => p.recognized.succeeded && (SKIP.test(p.recognized.value!.trim()) || ORDER.test(p.recognized.value!))));
    this.addDialog(
      new AttachmentPrompt('evidence', async (p) => {
        if (p.recognized.succeeded) return true;
        return SKIP.test(String(p.context.activity.text ?? '').trim());
      }),
    );
    this.addDialog(new TextPrompt('contact', async (p: PromptValidatorContext<string>) => p.recognized.succeeded && CONTACT.test(p.recognized.value!.trim())));
    this.addDialog(new ConfirmPrompt('confirm'));
    this.addDialog(
      new WaterfallDialog('intake', [
        (step) => step.prompt('consent', {
          prompt: "Hello! I'm here to take your complaint. Before we start: we keep what you tell us and, if you agree, your name and contact details. Do you agree?",
          retryPrompt: 'Please answer yes or no: do you agree to us keeping your details?',
        }),
        (step) => {
          step.values.consent = step.result === true;
          return step.prompt('choice', { prompt: 'What is your complaint about?', retryPrompt: 'Please pick one of the options.', choices: ChoiceFactory.toChoices(CATEGORIES) });
        },
        (step) => {
          step.values.category = (step.result as { value: string }).value;
          return step.prompt('description', { prompt: 'Please describe what happened, in your own words.', retryPrompt: 'Please write at least 10 characters (at most 4000).' });
        },
        (step) => {
          step.values.description = step.result;
          return step.prompt('whenWhere', { prompt: 'When and where did it happen? (for example: "12 May, Riverside store") Or skip.', retryPrompt: 'Please keep it under 500 characters, or skip.' });
        },
        (step) => {
          step.values.whenWhere = SKIP.test(String(step.result)) ? null : step.result;
          return step.prompt('orderRef', { prompt: 'Do you have an order or product number? Or skip.', retryPrompt: 'That does not look like an order number (for example: ORD-123456). Try again or skip.' });
        },
        (step) => {
          step.values.orderRef = ORDER.exec(String(step.result))?.[1] ?? null;
          return step.prompt('evidence', { prompt: 'Do you have photos or documents? Send them now, or skip.', retryPrompt: 'Please send a photo or document, or skip.' });
        },
        (step) => {
          step.values.evidence = Array.isArray(step.result) ? step.result.length : 0;
          return step.prompt('choice', { prompt: 'What would you like us to do?', retryPrompt: 'Please pick one of the options.', choices: ChoiceFactory.toChoices(RESOLUTIONS) });
        },
        async (step) => {
          step.values.resolution = (step.result as { value: string }).value;
          const profile = await this.profile.get(step.context, {});
          profile.name = step.context.activity.from.name;
          return step.prompt('contact', { prompt: 'How can we reach you? Please give a phone number or an e-mail address.', retryPrompt: 'That is not a phone number or e-mail address we can use.' });
        },
        async (step) => {
          const profile = await this.profile.get(step.context, {});
          profile.contact = String(step.result).trim();
          const v = step.values;
          const summary = [
            'Your complaint',
            `Category: ${v.category}`,
            `What happened: ${v.description}`,
            `When and where: ${v.whenWhere ?? '—'}`,
            `Order number: ${v.orderRef ?? '—'}`,
            `You would like: ${v.resolution}`,
            `Name: ${profile.name ?? '—'}`,
            `Contact: ${profile.contact}`,
            '',
            'Here is your complaint. Shall I submit it?',
          ].join('\n');
          return step.prompt('confirm', { prompt: summary, retryPrompt: 'Please answer yes to submit or no to cancel.' });
        },
        async (step: WaterfallStepContext) => {
          if (step.result !== true) {
            await step.context.sendActivity('Your complaint was cancelled; nothing was submitted.');
            return step.endDialog();
          }
          const profile = await this.profile.get(step.context, {});
          const v = step.values;
          const { rows } = await this.storage.db.query<{ number: string }>(
            `INSERT INTO bot_cases (number, user_id, category, description, when_where, order_ref, desired_resolution, contact_name, contact, consent)
             VALUES ('C-' || extract(year from now())::int || '-' || lpad(nextval('bot_case_number_seq')::text, 6, '0'), $1, $2, $3, $4, $5, $6, $7, $8, $9)
             RETURNING number`,
            [step.context.activity.from.id, v.category, v.description, v.whenWhere, v.orderRef, v.resolution, profile.name ?? null, profile.contact ?? null, v.consent],
          );
          await step.context.sendActivity(`Thank you. Your complaint is registered as case ${rows[0]!.number}. We will respond within 24 hours.`);
          return step.endDialog();
        },
      ]),
    );
    this.initialDialogId = 'intake';
  }

  async run(context: TurnContext, accessor: StatePropertyAccessor<DialogState>): Promise<void> {
    const dialogSet = new DialogSet(accessor);
    dialogSet.add(this);
    const dialogContext = await dialogSet.createContext(context);
    const results = await dialogContext.continueDialog();
    if (results.status === DialogTurnStatus.empty) await dialogContext.beginDialog(this.id);
  }
}

class IntakeBot extends ActivityHandler {
  constructor(conversationState: ConversationState, userState: UserState, dialog: IntakeDialog) {
    super();
    const dialogState = conversationState.createProperty<DialogState>('DialogState');
    this.onMessage(async (context, next) => {
      await dialog.run(context, dialogState);
      await next();
    });
    this.onDialog(async (context, next) => {
      await conversationState.saveChanges(context, false);
      await userState.saveChanges(context, false);
      await next();
    });
  }
}

const storage = await PostgresStorage.create(process.env.DATABASE_URL ?? '');
await storage.db.query(`CREATE SEQUENCE IF NOT EXISTS bot_case_number_seq`);
await storage.db.query(`CREATE TABLE IF NOT EXISTS bot_cases (
  id bigserial PRIMARY KEY, number text NOT NULL UNIQUE, user_id text NOT NULL, category text, description text, when_where text,
  order_ref text, desired_resolution text, contact_name text, contact text, consent boolean, created_at timestamptz NOT NULL DEFAULT now())`);
const conversationState = new ConversationState(storage);
const userState = new UserState(storage);
const bot = new IntakeBot(conversationState, userState, new IntakeDialog(userState.createProperty<Profile>('profile'), storage));
const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
adapter.onTurnError = async (context, error) => {
  process.stderr.write(`turn error: ${(error as Error).message}\n`);
  await context.sendActivity('Sorry, something went wrong.');
};

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

const server = createServer(async (req, res) => {
  if (req.method !== 'POST' || req.url !== '/api/messages') {
    res.writeHead(404).end();
    return;
  }
  const body = await readJson(req);
  // The tiny shim CloudAdapter needs on Node's own http (restify/express style).
  const shim = {
    socket: res.socket,
    status(code: number) {
      res.statusCode = code;
    },
    header(name: string, value: unknown) {
      res.setHeader(name, String(value));
    },
    send(payload?: unknown) {
      if (payload === undefined) return void res.end();
      if (typeof payload === 'string' || Buffer.isBuffer(payload)) return void res.end(payload);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(payload));
    },
    end() {
      if (!res.writableEnded) res.end();
    },
  };
  try {
    await adapter.process({ body, headers: req.headers, method: req.method }, shim, (context) => bot.run(context));
  } catch (error) {
    if (!res.headersSent) res.writeHead(400).end((error as Error).message);
  }
  if (!res.writableEnded) res.end();
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ msg: 'ready', port: (server.address() as AddressInfo).port })}\n`);
});
process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void storage.db.end().finally(() => process.exit(0));
});
