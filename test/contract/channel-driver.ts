import type { ChannelName, Choice } from '../../src/channels/contract.ts';
import type { TestApp } from '../support/test-app.ts';

/** A bot message as the customer sees it: the text (a card as "label: value" lines) and its buttons. */
export interface BotReply {
  text: string;
  choices: Choice[];
}

export interface TestFile {
  fileName: string;
  mimeType: string;
  content: Buffer;
}

/** One person on one channel, talking to the bot through the channel's real entry point. */
export interface ChatCustomer {
  /** The name the channel's profile carries (it pre-fills the name question), if the channel gives one. */
  readonly profileName?: string;
  /** Sends text; resolves with the bot's replies once everything the bot queued for this customer was delivered. */
  say(text: string): Promise<BotReply[]>;
  /** Presses the button with this value on the last message that offered it. */
  press(value: string): Promise<BotReply[]>;
  /** Sends a file as the channel's native attachment. */
  sendFile(file: TestFile): Promise<BotReply[]>;
  /** Delivers the last message again with the same delivery id (a platform retry). */
  redeliverLast(): Promise<BotReply[]>;
}

/**
 * What the shared channel contract suite needs from a channel: fakes of the
 * platform, the environment that turns the channel on, and customers.
 */
export interface ChannelDriver {
  readonly channel: ChannelName;
  /** Starts the platform fakes; resolves with the environment that turns the channel on. */
  setup(): Promise<Record<string, string>>;
  /** Called with every app started, again after a restart (new port, same data). */
  attach(app: TestApp): void;
  openCustomer(options: { locale: 'en' | 'zh-CN'; name?: string }): ChatCustomer;
  teardown(): Promise<void>;
}
