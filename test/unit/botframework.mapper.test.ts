import { describe, expect, it } from 'vitest';
import { mapActivity, toActivity } from '../../adapters/botframework/botframework.mapper.ts';
import { botFrameworkFailure, parseRetryAfter } from '../../adapters/botframework/botframework.sender.ts';

const limits = { maxBytes: 1024, allowedTypes: ['image/png', 'application/pdf'] };
const base = {
  type: 'message',
  id: 'a1',
  channelId: 'msteams',
  serviceUrl: 'https://smba.trafficmanager.net/emea/',
  from: { id: '29:abc', name: 'Alice Example', aadObjectId: 'aad-alice' },
  recipient: { id: '28:bot', name: 'hearken' },
  conversation: { id: 'a:conv', conversationType: 'personal', tenantId: 'tenant-1' },
  locale: 'zh-CN',
};

describe('Bot Framework mapper: activities in', () => {
  it('maps a message: identity per channel, reference as address, delivery id, locale, name', () => {
    const mapped = mapActivity({ ...base, text: 'hello' } as never, { limits });
    expect(mapped).toMatchObject({
      kind: 'inbound',
      files: [],
      message: {
        channel: 'botframework',
        externalUserId: 'msteams:tenant-1:aad-alice',
        deliveryId: 'msteams:a:conv:a1',
        text: 'hello',
        locale: 'zh-CN',
        profile: { name: 'Alice Example' },
        address: { channelId: 'msteams', serviceUrl: base.serviceUrl, conversation: { id: 'a:conv' }, user: { id: '29:abc' }, bot: { id: '28:bot' } },
      },
    });
  });

  it('keys Teams on tenant + AAD object id, and falls back to the conversation without them; never on from.id alone', () => {
    const noAad = mapActivity({ ...base, from: { id: '29:abc' }, text: 'hi' } as never, { limits });
    expect(noAad).toMatchObject({ message: { externalUserId: 'msteams:conversation:a:conv' } });
    const tenantInChannelData = mapActivity({ ...base, conversation: { id: 'a:conv', conversationType: 'personal' }, channelData: { tenant: { id: 'tenant-2' } }, text: 'hi' } as never, { limits });
    expect(tenantInChannelData).toMatchObject({ message: { externalUserId: 'msteams:tenant-2:aad-alice' } });
    const directLine = mapActivity({ ...base, channelId: 'directline', from: { id: 'dl_anyone' }, conversation: { id: 'dl-conv' }, text: 'hi' } as never, { limits });
    expect(directLine).toMatchObject({ message: { externalUserId: 'directline:conversation:dl-conv' } });
  });

  it('reads a pressed button from value, not from the text', () => {
    const mapped = mapActivity({ ...base, text: 'I agree', value: { hearkenChoice: 'consent:yes' } } as never, { limits });
    expect(mapped).toMatchObject({ message: { choice: 'consent:yes' } });
    expect((mapped as { message: { text?: string } }).message.text).toBeUndefined();
  });

  it('takes files, skips Teams HTML copies and cards, refuses other types', () => {
    const mapped = mapActivity(
      {
        ...base,
        attachments: [
          { contentType: 'text/html', content: '<p>hi</p>' },
          { contentType: 'application/vnd.microsoft.teams.file.download.info', name: 'receipt.pdf', content: { downloadUrl: 'https://files.example/receipt', fileType: 'pdf' } },
          { contentType: 'image/png', contentUrl: 'https://smba.trafficmanager.net/emea/v3/attachments/x/views/original', name: 'photo.png' },
          { contentType: 'application/zip', contentUrl: 'https://files.example/a.zip', name: 'a.zip' },
        ],
      } as never,
      { limits },
    );
    expect(mapped).toMatchObject({
      files: [
        { url: 'https://files.example/receipt', fileName: 'receipt.pdf', mimeType: 'application/pdf' },
        { fileName: 'photo.png', mimeType: 'image/png' },
      ],
      message: { rejectedAttachments: [{ fileName: 'a.zip', reason: 'unsupported_type' }] },
    });
  });

  it('ignores other activities and group conversations', () => {
    expect(mapActivity({ ...base, type: 'typing' } as never, { limits })).toEqual({ kind: 'ignored', reason: 'not_a_message' });
    expect(mapActivity({ ...base, conversation: { id: 'g', conversationType: 'groupChat' } } as never, { limits })).toEqual({ kind: 'ignored', reason: 'not_personal' });
    const update = { ...base, type: 'conversationUpdate', membersAdded: [{ id: '29:abc' }] };
    expect(mapActivity({ ...update, conversation: { id: 'g', conversationType: 'groupChat' } } as never, { limits })).toEqual({ kind: 'ignored', reason: 'not_personal' });
  });

  it('maps a conversationUpdate that adds the person to a greeting for them, and one that adds only the bot or removes someone to nothing', () => {
    const webChat = { ...base, channelId: 'webchat', type: 'conversationUpdate', conversation: { id: 'wc' } };
    const greeting = mapActivity({ ...webChat, membersAdded: [{ id: '28:bot' }, { id: 'dl_user', name: 'Bob' }] } as never, { limits });
    expect(greeting).toEqual({
      kind: 'inbound',
      files: [],
      message: expect.objectContaining({ greeting: true, externalUserId: 'webchat:conversation:wc', deliveryId: 'webchat:wc:a1', profile: { name: 'Bob' }, locale: 'zh-CN' }),
    });
    expect((greeting as { message: { address: unknown } }).message.address).toMatchObject({ user: { id: 'dl_user' }, bot: { id: '28:bot' }, conversation: { id: 'wc' } });
    expect(mapActivity({ ...webChat, membersAdded: [{ id: '28:bot' }] } as never, { limits })).toEqual({ kind: 'ignored', reason: 'nobody_joined' });
    expect(mapActivity({ ...webChat, membersRemoved: [{ id: 'dl_user' }] } as never, { limits })).toEqual({ kind: 'ignored', reason: 'nobody_joined' });
    // Teams announces a personal install by adding the bot to the user's chat: the sender is greeted.
    const install = mapActivity({ ...base, type: 'conversationUpdate', membersAdded: [{ id: '28:bot' }] } as never, { limits });
    expect(install).toMatchObject({ kind: 'inbound', message: { greeting: true, externalUserId: 'msteams:tenant-1:aad-alice', address: { user: { id: '29:abc' } } } });
  });
});

describe('Bot Framework mapper: messages out', () => {
  const reference = { channelId: 'emulator', serviceUrl: 'http://127.0.0.1:1/', conversation: { id: 'c' }, user: { id: 'u' }, bot: { id: 'b' }, activityId: 'x' };

  it('addresses the activity from the stored reference, with suggested actions and a fact set', () => {
    const activity = toActivity(
      { text: 'Submit?', card: { title: 'Your complaint', fields: [{ label: 'Category', value: 'Other' }] }, choices: [{ value: 'cmd:confirm', label: 'Confirm' }] },
      reference as never,
    );
    expect(activity).toMatchObject({
      type: 'message',
      text: 'Submit?',
      from: { id: 'b' },
      recipient: { id: 'u' },
      conversation: { id: 'c' },
      suggestedActions: { to: ['u'], actions: [{ type: 'messageBack', title: 'Confirm', value: { hearkenChoice: 'cmd:confirm' } }] },
    });
    expect(activity.attachments![0]!.content.body[1]).toEqual({ type: 'FactSet', facts: [{ title: 'Category', value: 'Other' }] });
  });
});

describe('Bot Framework delivery errors', () => {
  it('classifies connector errors', () => {
    const headers = new Map([['retry-after', '3']]);
    expect(botFrameworkFailure({ statusCode: 429, response: { headers } })).toMatchObject({ permanent: false, retryAfterMs: 3000 });
    expect(botFrameworkFailure({ statusCode: 403 })).toMatchObject({ permanent: true });
    expect(botFrameworkFailure({ statusCode: 404 })).toMatchObject({ permanent: true });
    expect(botFrameworkFailure({ statusCode: 503 })).toMatchObject({ permanent: false });
    expect(botFrameworkFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toMatchObject({ permanent: false, error: 'botframework request failed: Error ECONNREFUSED' });
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:28:05 GMT', Date.parse('Wed, 21 Oct 2026 07:28:00 GMT'))).toBe(5000);
  });
});
