import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const manifest = JSON.parse(readFileSync('adapters/slack/manifest.json', 'utf8'));

/** Bot scopes each Web API method the adapter calls needs (none: no scope). */
const METHOD_SCOPES: Record<string, string[]> = {
  'auth.test': [],
  'chat.postMessage': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'chat.update': ['chat:write'],
  'conversations.info': ['channels:read', 'groups:read'],
  'conversations.members': ['channels:read', 'groups:read'],
  'files.getUploadURLExternal': ['files:write'],
  'files.completeUploadExternal': ['files:write'],
  'reactions.add': ['reactions:write'],
  'usergroups.users.list': ['usergroups:read'],
  'users.info': ['users:read'],
  'views.open': [],
};

describe('the Slack app manifest', () => {
  it('grants a scope for every Web API method the adapter calls', () => {
    const source = readdirSync('adapters/slack').filter((f) => f.endsWith('.ts')).map((f) => readFileSync(join('adapters/slack', f), 'utf8')).join('\n');
    const called = [...new Set([...source.matchAll(/client\.([a-zA-Z]+(?:\.[a-zA-Z]+)+)\(/g)].map((m) => m[1]!))];
    expect(called.length).toBeGreaterThan(5);
    const scopes: string[] = manifest.oauth_config.scopes.bot;
    for (const method of called) {
      expect(METHOD_SCOPES, `add ${method} to METHOD_SCOPES and the manifest`).toHaveProperty([method]);
      for (const scope of METHOD_SCOPES[method]!) expect(scopes, method).toContain(scope);
    }
  });

  it('subscribes to thread messages, interactivity and the slash command on /slack/events', () => {
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(expect.arrayContaining(['message.channels', 'message.groups']));
    expect(manifest.oauth_config.scopes.bot).toEqual(expect.arrayContaining(['channels:history', 'groups:history', 'commands']));
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    for (const url of [manifest.settings.event_subscriptions.request_url, manifest.settings.interactivity.request_url, manifest.features.slash_commands[0].url]) {
      expect(new URL(url).pathname).toBe('/slack/events');
    }
    expect(manifest.features.slash_commands[0].command).toBe('/complaints');
  });
});
