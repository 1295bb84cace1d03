import * as chrono from 'chrono-node';
import { hasHan } from './normalise.ts';
import { prepareText } from './prepare.ts';
import { instantOf as zoneInstant, offsetMinutes, wallClock } from './zone-time.ts';

/**
 * When it happened, from the customer's own words, with chrono-node's English
 * and Simplified Chinese parsers (Traditional is folded first). Relative
 * words are read against the message time in the policy's time zone, never
 * the process's. Complaints tell the past, so an ambiguous date leans back
 * ("周三" on a Sunday is last Wednesday) and a plainly future one (a promised
 * delivery "明天") is not the time of the problem.
 */
const english = withDayOfMonth(chrono.en.casual.clone());
const chinese = chrono.zh.hans.casual;

/** A minute of slack for clocks: "in 10 minutes" is already the future. */
const FUTURE_SLACK_MS = 60_000;
/** Words for the present state ("now it won't start", "现在在医院"): not when it happened. */
const PRESENT = /^(?:now|right now|现在|目前|当前|如今)$/iu;
/** "I sat waiting", "sun damage": a bare weekday abbreviation is a word. */
const BARE_WEEKDAY_ABBREVIATION = /^(?:sun|mon|tue|tues|wed|thu|thur|thurs|fri|sat)$/iu;
const PURCHASE = /\b(?:bought|buy|purchased?|ordered)\b|买|购买|购入|入手|下单|下的单|订购/iu;
const HABITUAL = /\b(?:every|each|randomly|always|usually|often|sometimes)\b[^,.;!?]*$|每[^，。；！？,.;!?]*$/iu;
const RECENT_PURCHASE_MS = 2 * 86_400_000;
/** "for 2 hours before I found her": a span of time, not a time. */
const UNANCHORED = /\b(?:before|after|later)$/iu;
const NUMBER_WALL = /[\d\s\-/.:,]{40,}/gu;
/**
 * chrono's cost is most of a message's reading, and most messages hold no
 * time at all ("Hello", an e-mail address, "退款"). Each parser runs only on
 * text that holds something it could match: a digit, or a word of its
 * vocabulary (chrono-node 2.10's locales/en and locales/zh/hans parsers and
 * dictionaries: casual day and time words, weekdays, months, time units,
 * and number words before a one-letter unit). Prefixes are enough ("mon"
 * covers Monday and month); reading more text than needed is only slower.
 * test/unit/understanding-when-precheck.test.ts holds chrono to this.
 */
const MAY_HOLD_ENGLISH_DATE =
  /\d|\b(?:now|today|tonight|tomorrow|overmorrow|tmrw?|yesterday|night|morning|afternoon|evening|mid(?:night|day)|noon|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun|sec|min|hour|hr|day|week|month|mos?\b|year|yr|qtr|quarter)|\b(?:an?|the|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|few|several|couple(?:\s+of)?|half)\s*[dhmswy]\b/iu;
/** Latin letters, or digits in a date's shape: without them the English parser is not asked (Chinese digits are the Chinese parser's). */
const MAY_BE_ENGLISH = /[a-z]|\d[/.:-]\d/iu;
const MAY_HOLD_CHINESE_DATE = /[\d０-９零〇一二两三四五六七八九十百今明昨前后上下这早晚朝夜中午凌现立即刻周星期礼拜月日号点时分秒年天内]/u;

const PROMISE_WINDOW_MS = 31 * 86_400_000;
/** Words that may stand between a day and its time: "yesterday around 8pm", "上周五 大概 晚上8点". */
const JOINER = /^[\s,，、]*(?:at|around|about|at around|at about|approximately|approx\.?|roughly|on|in the|大概|大约|约|差不多|的|在)?[\s,，、]*$/iu;
/** "一点" and "三点" are also "a little" and "three dots": a bare hour counts only with a time word around it. */
const BARE_CHINESE_HOUR = /^[零一二两三四五六七八九十\d]{1,3}点$/u;
const HOUR_CONTEXT_AFTER = /^(?:[钟多半整左前后过]|\d|[零一二三四五六七八九十]+分)/u;
const HOUR_CONTEXT_BEFORE = /[在于到约概是晚早午夜凌]$/u;

interface Span {
  index: number;
  end: number;
  date: chrono.ParsedComponents;
  time: chrono.ParsedComponents;
  lastNight: boolean;
}

export function readWhenAt(text: string, now: Date, timezone: string): { text: string; at: string } | undefined {
  const source = prepareText(text);
  // Folding keeps positions in nearly every text; when it does not, the folded words are shown.
  return readWhenIn(source, source.length === text.length ? text : source, now, timezone);
}

/** `source` is the prepared text; `shown` has the same length and gives the words returned. */
export function readWhenIn(source: string, shown: string, now: Date, timezone: string): { text: string; at: string } | undefined {
  const reference = { instant: now, timezone: offsetMinutes(timezone, now.getTime()) };
  // chrono slows to a crawl on long runs of digits and separators ("1-1-1-…"), which are never a date: blanked, same length.
  source = source.replace(NUMBER_WALL, (run) => ' '.repeat(run.length));
  // Each parser only where its words can be: chrono's cost is most of a message's reading.
  const results = [...(mayHoldEnglishDate(source) ? english.parse(source, reference) : []), ...(mayHoldChineseDate(source) ? chinese.parse(source, reference) : [])]
    .filter((result) => !isBareChineseHour(result, source) && !PRESENT.test(result.text) && !BARE_WEEKDAY_ABBREVIATION.test(result.text) && !UNANCHORED.test(result.text) && !isHabitual(result, source))
    .sort((a, b) => a.index - b.index || b.text.length - a.text.length);
  const spans = mergeDayAndTime(withoutOverlaps(results), source);
  const past = spans
    .map((span) => ({ span, at: instantOf(span, now, timezone) }))
    .filter((found): found is { span: Span; at: number } => found.at !== undefined && found.at <= now.getTime() + FUTURE_SLACK_MS);
  // When it was bought is not when the problem happened ("上周五买的电动车，今天早上冒烟了"),
  // unless nothing else is said and it was bought in the last two days ("昨天买的手机，回家就发现…").
  const chosen =
    past.find(({ span }) => !isPurchaseTime(source, span)) ?? past.find(({ at }) => now.getTime() - at <= RECENT_PURCHASE_MS);
  return chosen ? { text: shown.slice(chosen.span.index, chosen.span.end).trim(), at: new Date(chosen.at).toISOString() } : undefined;
}

/** Whether chrono's English parser could find anything in `text` (see MAY_HOLD_ENGLISH_DATE). */
export const mayHoldEnglishDate = (text: string): boolean => MAY_BE_ENGLISH.test(text) && MAY_HOLD_ENGLISH_DATE.test(text);
/** Whether chrono's Simplified Chinese parser could find anything in `text`. */
export const mayHoldChineseDate = (text: string): boolean => hasHan(text) && MAY_HOLD_CHINESE_DATE.test(text);

/** "beeps randomly at 3am", "每天晚上": something that keeps happening has no one time. */
function isHabitual(result: chrono.ParsedResult, source: string): boolean {
  return HABITUAL.test(source.slice(Math.max(0, result.index - 12), result.index));
}

/** A purchase or order word close to the time, in the same clause. */
function isPurchaseTime(source: string, span: { index: number; end: number }): boolean {
  const before = source.slice(Math.max(0, span.index - 16), span.index).split(/[,.;!?，。；！？\n]/u).at(-1)!;
  const after = source.slice(span.end, span.end + 12).split(/[,.;!?，。；！？\n]/u)[0]!;
  return PURCHASE.test(before) || PURCHASE.test(after);
}

/** chrono has no "on the 20th": the day of this month, or of last month when still ahead. */
function withDayOfMonth(parser: chrono.Chrono): chrono.Chrono {
  parser.parsers.push({
    pattern: () => /\b(?:on\s+)?the\s+([12]?\d|3[01])(?:st|nd|rd|th)\b(?!\s+(?:time|floor|one|day|of\s+(?:them|us)))/iu,
    extract: (_context, match) => ({ day: Number(match[1]) }),
  });
  return parser;
}

function isBareChineseHour(result: chrono.ParsedResult, source: string): boolean {
  if (!BARE_CHINESE_HOUR.test(result.text)) return false;
  const after = source.slice(result.index + result.text.length);
  const before = source.slice(0, result.index);
  return !HOUR_CONTEXT_AFTER.test(after) && !HOUR_CONTEXT_BEFORE.test(before);
}

function withoutOverlaps(results: chrono.ParsedResult[]): chrono.ParsedResult[] {
  const kept: chrono.ParsedResult[] = [];
  for (const result of results) {
    const previous = kept.at(-1);
    if (previous && result.index < previous.index + previous.text.length) {
      if (result.text.length > previous.text.length) kept[kept.length - 1] = result;
      continue;
    }
    kept.push(result);
  }
  return kept;
}

const hasDay = (c: chrono.ParsedComponents) => c.isCertain('day') || c.isCertain('weekday') || c.isCertain('month');
const hasTime = (c: chrono.ParsedComponents) => c.isCertain('hour');
const dayOnly = (r: chrono.ParsedResult) => !hasTime(r.start) && (hasDay(r.start) || /yesterday|today|昨|今|前天|last night/iu.test(r.text));
const timeOnly = (r: chrono.ParsedResult) => hasTime(r.start) && !hasDay(r.start) && !/yesterday|today|tonight|night|昨|今|前天|明/iu.test(r.text);

/** chrono leaves "yesterday around 8pm" and "上周五 晚上" as two results: one day, one time. */
function mergeDayAndTime(results: chrono.ParsedResult[], source: string): Span[] {
  const spans: Span[] = [];
  for (let i = 0; i < results.length; i++) {
    const first = results[i]!;
    const second = results[i + 1];
    const end = first.index + first.text.length;
    if (second && JOINER.test(source.slice(end, second.index))) {
      const pair = dayOnly(first) && timeOnly(second) ? [first, second] : timeOnly(first) && dayOnly(second) ? [second, first] : undefined;
      if (pair) {
        spans.push({ index: first.index, end: second.index + second.text.length, date: pair[0]!.start, time: pair[1]!.start, lastNight: isLastNight(pair[0]!) });
        i++;
        continue;
      }
    }
    spans.push({ index: first.index, end, date: first.start, time: first.start, lastNight: isLastNight(first) });
  }
  return spans;
}

function isLastNight(result: chrono.ParsedResult): boolean {
  return /last\s*night/iu.test(result.text) && !result.start.isCertain('hour');
}

/** The instant in the policy's zone (DST-correct), leaning back into the past where the words leave it open. */
function instantOf(span: Span, now: Date, timezone: string): number | undefined {
  const { date, time } = span;
  const today = wallClock(timezone, now.getTime());
  const wall = new Date(
    Date.UTC(
      date.get('year') ?? today.getUTCFullYear(),
      (date.get('month') ?? today.getUTCMonth() + 1) - 1,
      date.get('day') ?? today.getUTCDate(),
      time.get('hour') ?? 12,
      time.get('minute') ?? 0,
      time.get('second') ?? 0,
    ),
  );
  if (Number.isNaN(wall.getTime())) return undefined;
  // chrono reads "last night" as midnight; a person means the evening before.
  if (span.lastNight) wall.setTime(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - 1, 22));
  const at = zoneInstant(timezone, wall);
  if (at <= now.getTime() + FUTURE_SLACK_MS) return at;
  const weekdayOnly = date.isCertain('weekday') && !date.isCertain('day');
  const timeAlone = !hasDay(date) && hasTime(time) && date === time;
  const yearOpen = date.isCertain('month') && date.isCertain('day') && !date.isCertain('year');
  const monthOpen = date.isCertain('day') && !date.isCertain('month');
  if (weekdayOnly) wall.setUTCDate(wall.getUTCDate() - 7);
  else if (monthOpen) wall.setUTCMonth(wall.getUTCMonth() - 1);
  else if (timeAlone) wall.setUTCDate(wall.getUTCDate() - 1);
  // A date a few weeks ahead is a promise ("11月30日送到"), not when it happened; further ahead it was last year.
  else if (yearOpen && at - now.getTime() > PROMISE_WINDOW_MS) wall.setUTCFullYear(wall.getUTCFullYear() - 1);
  else return at;
  return zoneInstant(timezone, wall);
}
