import { createHmac, randomUUID } from 'node:crypto';

export interface SignOptions {
  /** Request timestamp, seconds (default now). */
  timestamp?: number;
  /** Sign with another secret (a forged request). */
  secret?: string;
  /** X-Slack-Retry-Num: Slack redelivering an event. */
  retryNum?: number;
  unsigned?: boolean;
}

/**
 * Plays Slack towards the app: signed Events API, block_actions,
 * view_submission and slash-command requests to /slack/events, built like
 * Slack's (v0 HMAC-SHA256 over "v0:<ts>:<body>").
 */
export class SlackDriver {
  constructor(
    readonly appUrl: string,
    readonly signingSecret: string,
  ) {}

  async post(body: string, contentType: string, options: SignOptions = {}): Promise<Response> {
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
    const signature = `v0=${createHmac('sha256', options.secret ?? this.signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
    const headers: Record<string, string> = { 'content-type': contentType };
    if (!options.unsigned) Object.assign(headers, { 'x-slack-signature': signature, 'x-slack-request-timestamp': String(timestamp) });
    if (options.retryNum !== undefined) Object.assign(headers, { 'x-slack-retry-num': String(options.retryNum), 'x-slack-retry-reason': 'http_timeout' });
    return fetch(`${this.appUrl}/slack/events`, { method: 'POST', headers, body });
  }

  /** An Events API callback; returns the event_id used. */
  async event(event: Record<string, unknown>, options: SignOptions & { eventId?: string } = {}): Promise<{ response: Response; eventId: string }> {
    const envelope = eventEnvelope(event, options.eventId);
    return { response: await this.post(JSON.stringify(envelope), 'application/json', options), eventId: envelope.event_id };
  }

  /** A user writes in a thread. */
  threadMessage(input: { channel: string; user: string; text: string; threadTs: string; ts?: string; files?: Array<Record<string, unknown>> }, options: SignOptions & { eventId?: string } = {}) {
    return this.event(
      {
        type: 'message',
        channel: input.channel,
        user: input.user,
        text: input.text,
        ts: input.ts ?? `${Math.floor(Date.now() / 1000)}.${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`,
        thread_ts: input.threadTs,
        channel_type: 'channel',
        ...(input.files ? { files: input.files } : {}),
      },
      options,
    );
  }

  /** A button press on a message (the case card). */
  async press(input: ButtonPress, options: SignOptions = {}): Promise<Response> {
    return this.post(`payload=${encodeURIComponent(JSON.stringify(buttonPayload(input)))}`, 'application/x-www-form-urlencoded', options);
  }

  /**
   * Submits a modal. `values` maps block id to the element's state, e.g.
   * `{ question: { type: 'plain_text_input', value: '…' } }`.
   */
  async submitView(input: { user: string; callbackId: string; meta: Record<string, unknown>; values: Record<string, Record<string, unknown>> }, options: SignOptions = {}): Promise<Response> {
    const payload = {
      type: 'view_submission',
      team: { id: 'T0TEAM001', domain: 'test' },
      user: { id: input.user, username: input.user.toLowerCase(), team_id: 'T0TEAM001' },
      api_app_id: 'A0APP0001',
      token: 'legacy',
      trigger_id: `trigger-${randomUUID()}`,
      view: {
        id: 'V0VIEW001',
        type: 'modal',
        callback_id: input.callbackId,
        private_metadata: JSON.stringify(input.meta),
        blocks: Object.keys(input.values).map((blockId) => ({ type: 'input', block_id: blockId })),
        state: { values: Object.fromEntries(Object.entries(input.values).map(([blockId, element]) => [blockId, { value: element }])) },
        hash: 'h',
      },
      response_urls: [],
    };
    return this.post(`payload=${encodeURIComponent(JSON.stringify(payload))}`, 'application/x-www-form-urlencoded', options);
  }

  async command(input: { user: string; text: string; channel?: string; command?: string }, options: SignOptions = {}): Promise<Response> {
    const form = new URLSearchParams({
      token: 'legacy',
      team_id: 'T0TEAM001',
      team_domain: 'test',
      channel_id: input.channel ?? 'C0CASES01',
      channel_name: 'cases',
      user_id: input.user,
      user_name: input.user.toLowerCase(),
      command: input.command ?? '/complaints',
      text: input.text,
      api_app_id: 'A0APP0001',
      response_url: 'https://hooks.invalid/commands',
      trigger_id: `trigger-${randomUUID()}`,
    });
    return this.post(form.toString(), 'application/x-www-form-urlencoded', options);
  }
}

export interface ButtonPress {
  user: string;
  actionId: string;
  value: string;
  channel: string;
  messageTs: string;
}

/** The Events API envelope Slack sends (over HTTP, or inside a Socket Mode `events_api` envelope). */
export function eventEnvelope(event: Record<string, unknown>, eventId = `Ev${randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()}`) {
  return {
    token: 'legacy',
    team_id: 'T0TEAM001',
    api_app_id: 'A0APP0001',
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: 'T0TEAM001', user_id: 'U0BOT0001', is_bot: true }],
    event,
  };
}

/** The block_actions payload of a button press on a message. */
export function buttonPayload(input: ButtonPress) {
  return {
    type: 'block_actions',
    team: { id: 'T0TEAM001', domain: 'test' },
    user: { id: input.user, username: input.user.toLowerCase(), team_id: 'T0TEAM001' },
    api_app_id: 'A0APP0001',
    token: 'legacy',
    trigger_id: `trigger-${randomUUID()}`,
    container: { type: 'message', message_ts: input.messageTs, channel_id: input.channel, is_ephemeral: false },
    channel: { id: input.channel, name: 'cases' },
    message: { type: 'message', ts: input.messageTs, text: 'card' },
    response_url: 'https://hooks.invalid/actions',
    actions: [{ type: 'button', action_id: input.actionId, block_id: 'case_actions', value: input.value, action_ts: `${Date.now() / 1000}` }],
  };
}
