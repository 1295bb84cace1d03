import { afterAll, beforeAll, expect, it } from 'vitest';
import { quickCaseOnWebchat } from '../support/complaints.ts';
import { policyFile } from '../support/policy-file.ts';
import { answerCaseSurvey, resolveForSurvey } from '../support/surveys.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { WebchatClient } from '../support/webchat-client.ts';

// Survey timers far in the future: only the test fires them.
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ POLICY_FILE: policyFile({ survey: { delaySeconds: 3600, reminderAfterSeconds: 7200, expireAfterSeconds: 86_400 } }) });
});
afterAll(async () => {
  await app?.stop();
});

/** One unlabelled series of a Prometheus text exposition, or undefined when absent. */
function series(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

async function scrape(): Promise<string> {
  const res = await fetch(`${app.url}/metrics`);
  expect(res.status).toBe(200);
  return res.text();
}

it('GET /metrics shows surveys sent, answered and the response rate (README lists it)', async () => {
  const before = await scrape();
  expect(series(before, 'hearken_surveys_sent')).toBe(0);
  expect(series(before, 'hearken_survey_response_rate')).toBeNaN();

  const keen = await WebchatClient.open(app.url);
  await answerCaseSurvey(app, keen, await quickCaseOnWebchat(keen, 'delivery_installation'), 'Quick and kind, thank you.');
  const quiet = await WebchatClient.open(app.url);
  const { send } = await resolveForSurvey(app, await quickCaseOnWebchat(quiet, 'delivery_installation'));
  await app.surveys.handle(send);

  const after = await scrape();
  expect(after).toContain('# TYPE hearken_survey_response_rate gauge');
  expect(series(after, 'hearken_surveys_sent')).toBe(2);
  expect(series(after, 'hearken_surveys_answered')).toBe(1);
  expect(series(after, 'hearken_survey_response_rate')).toBe(0.5);
});
