import { WebchatClient, type ChatEntry } from '../support/webchat-client.ts';

const CASE_NUMBER = /C-\d{4}-\d{6,}/;

function caseNumberIn(entries: readonly ChatEntry[]): string | undefined {
  for (const entry of entries) {
    if (entry.direction !== 'out') continue;
    const match = CASE_NUMBER.exec(JSON.stringify(entry.payload));
    if (match) return match[0];
  }
  return undefined;
}

/**
 * One web chat intake, the shortest way: a server-issued token, then "talk to
 * a person", which opens a case at once with what is known. Kept loose about
 * the interview itself (it changes): if the bot answers with a choice whose
 * value mentions a person instead, that is pressed; the case number is awaited
 * in the transcript by long polls.
 */
export async function completeIntake(baseUrl: string, limitMs = 30_000): Promise<{ ok: true; caseNumber: string; token: string; ms: number } | { ok: false; reason: string }> {
  const started = Date.now();
  try {
    const client = await WebchatClient.open(baseUrl);
    const sent = await client.post({ text: 'talk to a person' });
    if (sent.status !== 202) return { ok: false, reason: `POST /webchat/messages answered ${sent.status}` };
    let pressed = false;
    while (Date.now() - started < limitMs) {
      const found = caseNumberIn(client.transcript);
      if (found) return { ok: true, caseNumber: found, token: client.token, ms: Date.now() - started };
      const person = client.transcript.flatMap((e) => (e.direction === 'out' ? (e.payload.choices ?? []) : [])).find((c) => /person/i.test(c.value));
      if (person && !pressed) {
        pressed = true;
        const res = await client.post({ choice: person.value });
        if (res.status !== 202) return { ok: false, reason: `pressing ${person.value} answered ${res.status}` };
      }
      await client.fetch(5);
    }
    const said = client.transcript.filter((e) => e.direction === 'out').map((e) => e.payload.text.slice(0, 80));
    return { ok: false, reason: `no case number within ${limitMs / 1000} s; the bot said: ${JSON.stringify(said)}` };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}

/** The same visitor's transcript read through another instance: does it show the case? */
export async function transcriptShows(baseUrl: string, token: string, caseNumber: string): Promise<boolean> {
  const client = new WebchatClient(baseUrl, token);
  await client.fetch(0);
  return caseNumberIn(client.transcript) === caseNumber;
}
