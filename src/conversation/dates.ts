import type { Locale } from './prompt-catalog.ts';

/** Names customers use for a zone; others get the zone's long name from Intl (never a bare "UTC" in Chinese). */
const ZONE_NAMES: Record<string, Partial<Record<Locale, string>>> = {
  'Asia/Shanghai': { 'zh-CN': '北京时间', en: 'Beijing time' },
  'Asia/Chongqing': { 'zh-CN': '北京时间', en: 'Beijing time' },
  'Asia/Hong_Kong': { 'zh-CN': '香港时间', en: 'Hong Kong time' },
  'Asia/Taipei': { 'zh-CN': '台北时间', en: 'Taipei time' },
  UTC: { en: 'UTC' },
};

/** Building an Intl.DateTimeFormat costs about a millisecond: one per locale, zone and style, kept. */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(locale: Locale, timeZone: string, style: 'date' | 'dateTime' | 'zone'): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${style}`;
  let format = formatters.get(key);
  if (!format) {
    const options: Intl.DateTimeFormatOptions =
      style === 'date'
        ? { dateStyle: 'medium', timeZone }
        : style === 'zone'
          ? { timeZone, timeZoneName: 'long' }
          : { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone };
    format = new Intl.DateTimeFormat(locale, options);
    formatters.set(key, format);
  }
  return format;
}

/** The zone's name as a customer reads it: 北京时间, "Beijing time". */
export function zoneName(date: Date, locale: Locale, timeZone: string): string {
  const known = ZONE_NAMES[timeZone]?.[locale];
  if (known) return known;
  return formatter(locale, timeZone, 'zone').formatToParts(date).find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
}

/** "北京时间2026年11月3日 18:00", "Nov 3, 2026, 18:00 Beijing time": the zone always named. */
export function formatDateTime(date: Date, locale: Locale, timeZone: string): string {
  const when = formatter(locale, timeZone, 'dateTime').format(date);
  const zone = zoneName(date, locale, timeZone);
  return locale === 'zh-CN' ? `${zone}${when}` : `${when} ${zone}`;
}

export function formatDate(date: Date, locale: Locale, timeZone: string): string {
  return formatter(locale, timeZone, 'date').format(date);
}
