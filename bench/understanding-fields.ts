/**
 * Speed and corpus accuracy of the field readers (src/understanding):
 *   npx tsx bench/understanding-fields.ts [--verbose]
 * Speed: µs per call (best and median of 5 rounds; other load on the machine shows in the median).
 * Accuracy: the `fields` and `answers` of test/fixtures/intake-corpus/tune.json, read directly
 * (not through the engine; npm run eval:intake measures that). Never run on held-out.json:
 * the readers are tuned on tune.json only.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { loadAnswerLexicon, matchOption, meansNone, readYesNo } from '../src/understanding/answers.ts';
import { extractFields, readContact, readNameAnswer, readOrderRefAnswer, readWhen, type ExtractedFields, type FieldContext } from '../src/understanding/fields.ts';

const ROOT = join(import.meta.dirname, '..');
const TUNE = join(ROOT, 'test/fixtures/intake-corpus/tune.json');
const verbose = process.argv.includes('--verbose');
// The corpus's evaluation clock: Monday 2026-11-30 10:00 in Shanghai.
const ctx: FieldContext = { now: new Date('2026-11-30T02:00:00Z'), timezone: 'Asia/Shanghai', defaultRegion: 'CN' };
const lexicon = loadAnswerLexicon(join(ROOT, 'prompts'));
const resolutionLabels: Record<string, string[]> = {
  refund: ['Refund', '退款'], replacement: ['Replacement', '换货'], repair: ['Repair', '维修'],
  compensation: ['Compensation', '赔偿'], apology: ['Apology', '道歉'], other: ['Something else', '其他'],
};
const resolutions = Object.entries(resolutionLabels).map(([value, labels]) => ({ value, labels }));

function speed(name: string, fn: () => unknown, calls = 10_000): void {
  for (let i = 0; i < 200; i++) fn();
  const rounds: number[] = [];
  for (let round = 0; round < 5; round++) {
    const started = performance.now();
    for (let i = 0; i < calls / 5; i++) fn();
    rounds.push(((performance.now() - started) * 1000) / (calls / 5));
  }
  rounds.sort((a, b) => a - b);
  console.log(`${name.padEnd(34)} best ${rounds[0]!.toFixed(1).padStart(7)} µs   median ${rounds[2]!.toFixed(1).padStart(7)} µs`);
}

const zh = '我姓王，昨晚在你们店买的冰箱坏了，订单号202611150034，电话138-0013-8000（微信同号），邮箱 wang@qq.com';
const en = 'Hi, Dave here. Order XX20261101-88 arrived broken last Friday. Call me on 13800138000 or (dave@example.org)';
speed('extractFields, Chinese story', () => extractFields(zh, ctx));
speed('extractFields, English story', () => extractFields(en, ctx));
speed('readWhen 上周五晚上8点左右', () => readWhen('上周五晚上8点左右', ctx));
speed('readYesNo 没问题，提交吧', () => readYesNo('没问题，提交吧', lexicon));
speed('meansNone "I don\'t have it"', () => meansNone("I don't have it", lexicon));
speed('matchOption "a replacement please"', () => matchOption('a replacement please', 'desiredResolution', resolutions, lexicon));

if (!existsSync(TUNE)) {
  console.log(`(no ${TUNE}: accuracy not measured)`);
  process.exit(0);
}
interface Record_ {
  id: string;
  messages: string[];
  fields?: Partial<Record<'phone' | 'email' | 'orderRef' | 'name', string>> & { when?: { text: string; date: string } };
  answers?: Record<string, string | undefined> & { resolution?: { text: string; value: string } };
}
const corpus = JSON.parse(readFileSync(TUNE, 'utf8')) as Record_[];
// Every message in turn, so no reader sees the same text twice running (as in production).
const messages = corpus.flatMap((complaint) => complaint.messages);
let next = 0;
speed(`extractFields, tune.json's ${messages.length} messages`, () => extractFields(messages[next++ % messages.length]!, ctx));
const tally = new Map<string, { right: number; wrong: number; missed: number; extra: number }>();
const count = (what: string, outcome: 'right' | 'wrong' | 'missed' | 'extra', detail: string) => {
  const row = tally.get(what) ?? { right: 0, wrong: 0, missed: 0, extra: 0 };
  row[outcome]++;
  tally.set(what, row);
  if (verbose && outcome !== 'right') console.log(`  ${outcome} ${what}: ${detail}`);
};
for (const complaint of corpus) {
  const found: ExtractedFields = {};
  for (const message of complaint.messages) Object.assign(found, { ...extractFields(message, ctx), ...found });
  for (const field of ['phone', 'email', 'orderRef', 'name', 'when'] as const) {
    const expected = field === 'when' ? complaint.fields?.when?.date : complaint.fields?.[field];
    const got = field === 'when' ? (found.when ? DateTime.fromISO(found.when.at).setZone(ctx.timezone).toISODate()! : undefined) : found[field];
    if (expected === undefined && got === undefined) continue;
    const outcome = expected === undefined ? 'extra' : got === undefined ? 'missed' : got === expected ? 'right' : 'wrong';
    count(`field ${field}`, outcome, `${complaint.id} expected ${expected} got ${got}`);
  }
  const a = complaint.answers ?? {};
  const check = (what: string, ok: boolean, text: unknown) => count(`answer ${what}`, ok ? 'right' : 'wrong', `${complaint.id} ${JSON.stringify(text)}`);
  if (a.consent) check('consent (yes)', readYesNo(a.consent, lexicon) === 'yes', a.consent);
  if (a.confirm) check('confirm (yes)', readYesNo(a.confirm, lexicon) === 'yes', a.confirm);
  if (a.evidence) check('evidence (none)', meansNone(a.evidence, lexicon), a.evidence);
  if (a.orderRef) {
    const ref = readOrderRefAnswer(a.orderRef);
    check('orderRef', complaint.fields?.orderRef ? ref === complaint.fields.orderRef : meansNone(a.orderRef, lexicon) || ref !== undefined, a.orderRef);
  }
  if (a.resolution) check('resolution', matchOption(a.resolution.text, 'desiredResolution', resolutions, lexicon) === a.resolution.value, a.resolution);
  if (a.name) check('name', readNameAnswer(a.name) !== undefined, a.name);
  if (a.contact) {
    const contact = readContact(a.contact, ctx.defaultRegion);
    check('contact', contact.phone !== undefined || contact.email !== undefined, a.contact);
  }
}
console.log(`\ntune.json, ${corpus.length} complaints (fields read directly, not through the engine)`);
for (const [what, row] of [...tally].sort()) {
  const total = row.right + row.wrong + row.missed;
  console.log(`${what.padEnd(24)} ${String(row.right).padStart(3)}/${String(total).padEnd(3)} right   wrong ${row.wrong}   missed ${row.missed}   found where none expected ${row.extra}`);
}
