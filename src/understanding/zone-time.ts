/**
 * Wall-clock time in an IANA zone, without a date library on the hot path:
 * one cached Intl formatter per zone, offsets cached per quarter hour (no
 * zone changes its offset more often). Wall-clock values are carried as a
 * Date whose UTC fields are the zone's local fields.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, number>();
const QUARTER_HOUR_MS = 900_000;

/** The zone's offset from UTC at that instant, in minutes (Asia/Shanghai: 480). */
export function offsetMinutes(zone: string, epochMs: number): number {
  const key = `${zone}|${Math.floor(epochMs / QUARTER_HOUR_MS)}`;
  const cached = offsets.get(key);
  if (cached !== undefined) return cached;
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(zone, format);
  }
  const part: Record<string, number> = {};
  for (const { type, value } of format.formatToParts(new Date(epochMs))) part[type] = Number(value);
  const asUtc = Date.UTC(part.year!, part.month! - 1, part.day!, part.hour!, part.minute!, part.second!);
  const offset = Math.round((asUtc - (epochMs - (((epochMs % 1000) + 1000) % 1000))) / 60_000);
  if (offsets.size > 10_000) offsets.clear();
  offsets.set(key, offset);
  return offset;
}

/** The zone's wall clock at an instant, as a Date whose UTC fields read that wall clock. */
export function wallClock(zone: string, epochMs: number): Date {
  return new Date(epochMs + offsetMinutes(zone, epochMs) * 60_000);
}

/** The instant a wall clock in the zone stands for (at a DST gap or overlap: the offset after the change). */
export function instantOf(zone: string, wall: Date): number {
  const guess = wall.getTime() - offsetMinutes(zone, wall.getTime()) * 60_000;
  return wall.getTime() - offsetMinutes(zone, guess) * 60_000;
}
