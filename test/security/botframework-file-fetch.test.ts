import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PNG } from '../contract/channel-contract.ts';
import { createActivity, postActivity } from '../support/botframework-customer.ts';
import { FakeBotConnector } from '../support/fake-bot-connector.ts';
import { FakeBotOpenId } from '../support/fake-bot-openid.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * Issue 19 item 2: a Bot Framework activity's contentUrl / downloadUrl is
 * the sender's say-so. hearken fetches only from the channel's file hosts,
 * never from loopback, private or metadata addresses (after DNS), follows no
 * redirect to another host, answers the same whether a port is open or
 * closed, and handles the message's text with a word to the customer when
 * the file does not arrive.
 */

/** What an attacker would like to reach: a service on the bot's own machine. Records every request. */
class InternalService {
  readonly requests: string[] = [];
  private server: Server | undefined;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.requests.push(req.url ?? '');
      if (req.url === '/image') {
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': PNG.length });
        res.end(PNG);
      } else if (req.url === '/redirect-away') {
        res.writeHead(302, { location: `http://localhost:${this.port}/secret` });
        res.end();
      } else if (req.url === '/redirect-home') {
        res.writeHead(302, { location: '/image' });
        res.end();
      } else {
        res.writeHead(200, { 'content-type': 'image/png' });
        res.end('internal secret');
      }
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const appId = '00000000-0000-0000-0000-00000000beef';
const connector = new FakeBotConnector();
const openId = new FakeBotOpenId();
const internal = new InternalService();
/** Production defaults: the Teams / Bot Framework file hosts only. */
let production: TestApp;
/** An operator who listed 127.0.0.1 literally (the documented way to allow a loopback host) and the name localhost. */
let listed: TestApp;

const tenant = '11111111-2222-3333-4444-55555555beef';
/** Both SDKs that can serve /api/messages, each with its own settings and a valid token for it. */
const sdks = {
  botbuilder: { env: () => ({ BOTFRAMEWORK_SDK: 'botbuilder', MicrosoftAppId: appId, MicrosoftAppPassword: 'not-a-real-password', BOTFRAMEWORK_OPENID_METADATA_URL: openId.metadataUrl }), token: () => openId.sign(appId, connector.url) },
  agents: { env: () => ({ BOTFRAMEWORK_SDK: 'agents', clientId: appId, clientSecret: 'not-a-real-secret', tenantId: tenant, authorityEndpoint: openId.url }), token: () => openId.sign(appId, connector.url, { iss: openId.tenantIssuer(tenant) }) },
};
let token: () => string;

beforeAll(async () => {
  await Promise.all([connector.start(), openId.start(['msteams']), internal.start()]);
});
afterAll(async () => {
  await Promise.all([connector.stop(), openId.stop(), internal.stop()]);
});

/** A Teams message with text and one attachment, posted with a valid channel token. */
async function sendWithFile(app: TestApp, attachment: Record<string, unknown>) {
  const conversationId = `a:conv-${randomUUID()}`;
  const activity = createActivity(connector.url, { id: `29:user-${randomUUID()}` }, conversationId, {
    channelId: 'msteams',
    conversation: { id: conversationId, conversationType: 'personal' },
    text: 'hello',
    attachments: [attachment],
  });
  const res = await postActivity(app.url, activity, token());
  const told = await app.database.db
    .selectFrom('outbox')
    .innerJoin('customers', 'customers.id', 'outbox.customer_id')
    .select('outbox.payload')
    .where('customers.external_id', '=', `msteams:conversation:${conversationId}`)
    .orderBy('outbox.id')
    .execute();
  const stored = await app.database.db
    .selectFrom('attachments')
    .innerJoin('customers', 'customers.id', 'attachments.customer_id')
    .select(['attachments.file_name', 'attachments.content'])
    .where('customers.external_id', '=', `msteams:conversation:${conversationId}`)
    .execute();
  return { status: res.status, told: told.map((r) => (r.payload as { text?: string }).text ?? '').join('\n'), stored };
}

const png = (contentUrl: string, name = 'photo.png') => ({ contentType: 'image/png', contentUrl, name });

for (const [sdk, setup] of Object.entries(sdks)) {
  describe(`served by ${sdk}`, () => {
    beforeAll(async () => {
      token = setup.token;
      production = await startTestApp(setup.env());
      listed = await startTestApp({ ...setup.env(), BOTFRAMEWORK_FILE_HOSTS: '127.0.0.1, localhost' });
    });
    afterAll(async () => {
      await production?.stop();
      await listed?.stop();
    });

    describe('production defaults: only the channel file hosts', () => {
      it('does not fetch a loopback address: the text is handled and the customer is told the file did not arrive', async () => {
        const before = internal.requests.length;
        const result = await sendWithFile(production, png(`http://127.0.0.1:${internal.port}/secret`));
        expect(result.status).toBe(200);
        expect(internal.requests.length).toBe(before);
        expect(result.stored).toEqual([]);
        expect(result.told).toContain('I could not accept photo.png');
        expect(result.told).toContain('the file did not arrive');
        expect(result.told).toContain('what happened');
      });

      it('answers an open and a closed port alike (no port scanner)', async () => {
        const open = await sendWithFile(production, png(`http://127.0.0.1:${internal.port}/`));
        const closed = await sendWithFile(production, png(`http://127.0.0.1:${await closedPort()}/`));
        expect(closed.status).toBe(200);
        expect(open).toEqual(closed);
      });

      it('refuses the cloud metadata address, the IPv6 loopback and a Teams download link on another host', async () => {
        for (const attachment of [
          png('http://169.254.169.254/latest/meta-data/iam/security-credentials/'),
          png(`http://[::1]:${internal.port}/secret`),
          png(`http://[::ffff:127.0.0.1]:${internal.port}/secret`),
          { contentType: 'application/vnd.microsoft.teams.file.download.info', name: 'report.pdf', content: { downloadUrl: 'https://files.evil.example/report.pdf', fileType: 'pdf' } },
        ]) {
          const result = await sendWithFile(production, attachment);
          expect({ attachment, status: result.status, stored: result.stored.length }).toEqual({ attachment, status: 200, stored: 0 });
          expect(result.told).toContain(`I could not accept ${String(attachment.name)}`);
        }
      });
    });

    describe('an operator allow-list naming 127.0.0.1 and localhost', () => {
      it('fetches from a literally listed address and follows a redirect on the same host', async () => {
        const direct = await sendWithFile(listed, png(`http://127.0.0.1:${internal.port}/image`));
        expect(direct.stored).toEqual([{ file_name: 'photo.png', content: expect.anything() }]);
        expect(Buffer.from(direct.stored[0]!.content!)).toEqual(PNG);
        const redirected = await sendWithFile(listed, png(`http://127.0.0.1:${internal.port}/redirect-home`));
        expect(redirected.stored).toHaveLength(1);
      });

      it('refuses a listed name that resolves to a loopback address', async () => {
        const before = internal.requests.length;
        const result = await sendWithFile(listed, png(`http://localhost:${internal.port}/secret`));
        expect(result.status).toBe(200);
        expect(internal.requests.length).toBe(before);
        expect(result.stored).toEqual([]);
        expect(result.told).toContain('I could not accept photo.png');
      });

      it('does not follow a redirect to another host', async () => {
        const before = internal.requests.length;
        const result = await sendWithFile(listed, png(`http://127.0.0.1:${internal.port}/redirect-away`));
        expect(result.status).toBe(200);
        expect(internal.requests.slice(before)).toEqual(['/redirect-away']);
        expect(result.stored).toEqual([]);
        expect(result.told).toContain('I could not accept photo.png');
      });
    });
  });
}
