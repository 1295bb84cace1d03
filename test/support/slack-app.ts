import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { SlackApiFake } from './slack-fake.ts';
import { SlackDriver } from './slack-driver.ts';
import { startTestApp, type TestApp } from './test-app.ts';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const CASES = 'C0CASES01';
export const SUPERVISORS = 'C0SUPERV1';
export const AGENT = 'U0AGENT01';
export const AGENT_2 = 'U0AGENT02';
export const SUPERVISOR = 'U0SUPER01';
export const OUTSIDER = 'U0OUTSIDE';

export interface SlackTestRig {
  app: TestApp;
  fake: SlackApiFake;
  slack: SlackDriver;
  stop(): Promise<void>;
}

/**
 * The real app with the Slack desk on, its Web API calls going to a
 * recording fake: staff are the members of #cases (two agents and a
 * supervisor), supervisors the members of #supervisors.
 */
export async function startSlackRig(routing: unknown, env: Record<string, string> = {}, prepare?: (fake: SlackApiFake) => void): Promise<SlackTestRig> {
  const fake = await SlackApiFake.start();
  fake.members = { [CASES]: [AGENT, AGENT_2, SUPERVISOR], [SUPERVISORS]: [SUPERVISOR] };
  fake.displayNames = { [AGENT]: 'Agent One', [AGENT_2]: 'Agent Two', [SUPERVISOR]: 'Sue Pervisor' };
  prepare?.(fake);
  const dir = mkdtempSync(join(tmpdir(), 'hearken-slack-'));
  const routingFile = join(dir, 'routing.json');
  writeFileSync(routingFile, JSON.stringify(routing));
  try {
    const app = await startTestApp({
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.url,
      SLACK_CASES_CHANNEL: CASES,
      SLACK_SUPERVISORS_CHANNEL: SUPERVISORS,
      SLACK_ROUTING_FILE: routingFile,
      PUBLIC_URL: 'http://hearken.test',
      ...env,
    });
    return {
      app,
      fake,
      slack: new SlackDriver(app.url, SIGNING_SECRET),
      async stop() {
        await app.stop();
        await fake.stop();
      },
    };
  } catch (error) {
    await fake.stop();
    throw error;
  }
}

/** The Slack rig for one test file (arguments as startSlackRig): started before its tests, stopped after them. */
export function useSlackRig(...args: Parameters<typeof startSlackRig>): SlackTestRig {
  const rig = {} as SlackTestRig;
  beforeAll(async () => {
    Object.assign(rig, await startSlackRig(...args));
  });
  afterAll(async () => {
    await rig.stop?.();
  });
  return rig;
}

/** A slash command from `user`, answered privately (status 200, ephemeral); resolves with the answer. */
export async function ephemeralAnswer(slack: SlackDriver, user: string, text: string): Promise<{ text: string; blocks?: Array<Record<string, unknown>> }> {
  const res = await slack.command({ user, text });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { response_type: string; text: string; blocks?: Array<Record<string, unknown>> };
  expect(body.response_type).toBe('ephemeral');
  return body;
}

/** Texts of the blocks of a Block Kit message, flattened (for assertions). */
export function blockText(blocks: unknown): string {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'text' && typeof value === 'string') out.push(value);
        else walk(value);
      }
    }
  };
  walk(blocks);
  return out.join('\n');
}

/** action_ids of the buttons in blocks. */
export function buttonIds(blocks: unknown): string[] {
  const actions = (blocks as Array<{ type: string; elements?: Array<{ action_id: string }> }>).find((b) => b.type === 'actions');
  return actions?.elements?.map((e) => e.action_id) ?? [];
}
