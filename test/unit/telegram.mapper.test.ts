import { describe, expect, it } from 'vitest';
import { commandToKeyword, mapUpdate, splitText, toTelegramMessages } from '../../adapters/telegram/telegram.mapper.ts';

const limits = { maxBytes: 10 * 1024 * 1024, allowedTypes: ['image/jpeg', 'image/png', 'application/pdf'] };
const from = { id: 42, is_bot: false, first_name: 'Alice', last_name: 'Example', language_code: 'zh-hans' };

function messageUpdate(fields: Record<string, unknown>, chat: Record<string, unknown> = { id: 42, type: 'private' }) {
  return { update_id: 7, message: { message_id: 1, date: 0, from, chat, ...fields } };
}

describe('Telegram mapper: updates in', () => {
  it('maps a text message to the contract: identity, address, delivery id, locale, profile name', () => {
    expect(mapUpdate(messageUpdate({ text: 'hello' }), { botId: '123', limits })).toEqual({
      kind: 'inbound',
      files: [],
      message: {
        channel: 'telegram',
        externalUserId: '42',
        address: { chatId: 42 },
        deliveryId: '123:7',
        text: 'hello',
        locale: 'zh-hans',
        profile: { name: 'Alice Example' },
      },
    });
  });

  it('maps bot commands to the engine keywords', () => {
    expect(commandToKeyword('/start')).toBe('/new');
    expect(commandToKeyword('/start campaign-7')).toBe('/new');
    expect(commandToKeyword('/cancel@hearken_bot')).toBe('/cancel');
    expect(commandToKeyword('/STATUS')).toBe('/status');
    expect(commandToKeyword('/help')).toBe('/help');
    expect(commandToKeyword('/unknown')).toBe('/unknown');
    expect(commandToKeyword('start')).toBe('start');
  });

  it('maps a button press to a choice with its callback query id', () => {
    const mapped = mapUpdate({ update_id: 8, callback_query: { id: 'cb1', from, chat_instance: 'x', data: 'opt:other', message: { message_id: 3, date: 0, chat: { id: 42, type: 'private' } } } }, { botId: '123', limits });
    expect(mapped).toMatchObject({ kind: 'inbound', callbackQueryId: 'cb1', message: { choice: 'opt:other', deliveryId: '123:8', externalUserId: '42' } });
  });

  it('checks declared type and size before any download', () => {
    const mapped = mapUpdate(
      messageUpdate({
        caption: 'see attached',
        document: { file_id: 'd1', file_unique_id: 'u1', file_name: 'a.zip', mime_type: 'application/zip', file_size: 10 },
      }),
      { botId: '1', limits },
    );
    expect(mapped).toMatchObject({ kind: 'inbound', files: [], message: { text: 'see attached', rejectedAttachments: [{ fileName: 'a.zip', reason: 'unsupported_type' }] } });
    const big = mapUpdate(messageUpdate({ photo: [{ file_id: 'p', file_unique_id: 'u', width: 1, height: 1, file_size: 30 * 1024 * 1024 }] }), {
      botId: '1',
      limits: { ...limits, maxBytes: 100 * 1024 * 1024 },
    });
    // Telegram's own 20 MB limit applies even when the policy allows more.
    expect(big).toMatchObject({ files: [], message: { rejectedAttachments: [{ fileName: 'photo-u.jpg', reason: 'too_large' }] } });
  });

  it('takes a shared contact of the sender as the phone number text', () => {
    const mapped = mapUpdate(messageUpdate({ contact: { phone_number: '+447700900123', first_name: 'Alice', user_id: 42 } }), { botId: '1', limits });
    expect(mapped).toMatchObject({ message: { text: '+447700900123' } });
  });

  it('ignores group chats, bots and malformed updates', () => {
    expect(mapUpdate(messageUpdate({ text: 'hi' }, { id: -5, type: 'group' }), { botId: '1', limits })).toEqual({ kind: 'ignored', reason: 'not_private_chat' });
    expect(mapUpdate({ update_id: 'x' }, { botId: '1', limits })).toEqual({ kind: 'ignored', reason: 'malformed' });
    expect(mapUpdate({ update_id: 1, edited_message: {} }, { botId: '1', limits })).toEqual({ kind: 'ignored', reason: 'unsupported_update' });
  });
});

describe('Telegram mapper: messages out', () => {
  it('puts the card above the question and the choices on an inline keyboard', () => {
    const [out] = toTelegramMessages({
      text: 'Shall I submit it?',
      card: { title: 'Your complaint', fields: [{ label: 'Category', value: 'Other' }] },
      choices: [
        { value: 'cmd:confirm', label: 'Confirm and submit' },
        { value: 'cmd:cancel', label: 'Cancel' },
      ],
    });
    expect(out).toEqual({
      text: 'Your complaint\nCategory: Other\n\nShall I submit it?',
      replyMarkup: { inline_keyboard: [[{ text: 'Confirm and submit', callback_data: 'cmd:confirm' }], [{ text: 'Cancel', callback_data: 'cmd:cancel' }]] },
    });
  });

  it('puts short labels two to a row', () => {
    const [out] = toTelegramMessages({ text: 'Agree?', choices: [{ value: 'consent:yes', label: 'I agree' }, { value: 'consent:no', label: "I don't agree" }] });
    expect(out!.replyMarkup!.inline_keyboard).toHaveLength(1);
  });

  it('splits text over the length limit, keyboard on the last part', () => {
    const long = `${'a'.repeat(3000)}\n${'b'.repeat(3000)}`;
    const parts = toTelegramMessages({ text: long, choices: [{ value: 'cmd:done', label: 'Done' }] });
    expect(parts.map((p) => p.text.length)).toEqual([3000, 3000]);
    expect(parts[0]!.replyMarkup).toBeUndefined();
    expect(parts[1]!.replyMarkup).toBeDefined();
    expect(splitText('x'.repeat(9000), 4000).map((p) => p.length)).toEqual([4000, 4000, 1000]);
  });
});
