import type { LocalDay } from './events.js';

// Local calendar days through Intl: deterministic for a given timezone database, so still pure.
const formatters = new Map<string, Intl.DateTimeFormat>();
const msPerDay = 86_400_000;

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, format);
  }
  return format;
}

/** The canonical IANA name of a timezone (`america/los_angeles` → `America/Los_Angeles`), or undefined if unknown. */
export function canonicalTimeZone(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > 64) return undefined;
  try {
    return formatter(value).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/**
 * Since 1980 every zone's offset from UTC, and so every local midnight and every daylight-saving
 * switch, falls on a quarter hour of UTC: within one quarter hour the local day cannot change.
 * (Before, some zones kept offsets such as Monrovia's −0:44:30.)
 */
const QUARTER_HOUR = 15 * 60_000;
const QUARTERS_FROM = Date.UTC(1980, 0, 1);
/** The last quarter hour asked about per zone, and its local day: most instants are "now". */
const lastQuarter = new Map<string, { quarter: number; day: LocalDay }>();

/** The player's local calendar day of an instant, `YYYY-MM-DD`. */
export function localDay(epochMs: number, timeZone: string): LocalDay {
  if (epochMs < QUARTERS_FROM) return formatLocalDay(epochMs, timeZone);
  // Intl's formatToParts costs ~6 µs, on every meal and water log.
  const quarter = Math.floor(epochMs / QUARTER_HOUR);
  const last = lastQuarter.get(timeZone);
  if (last?.quarter === quarter) return last.day;
  const day = formatLocalDay(epochMs, timeZone);
  if (last) {
    last.quarter = quarter;
    last.day = day;
  } else if (lastQuarter.size < 1_000) {
    lastQuarter.set(timeZone, { quarter, day });
  }
  return day;
}

function formatLocalDay(epochMs: number, timeZone: string): LocalDay {
  const parts = formatter(timeZone).formatToParts(epochMs);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** Days since 1970-01-01 of a local day, for day arithmetic. */
export function dayNumber(day: LocalDay): number {
  const [year, month, date] = day.split('-').map(Number);
  return Date.UTC(year!, month! - 1, date!) / msPerDay;
}

export function addDays(day: LocalDay, days: number): LocalDay {
  return new Date((dayNumber(day) + days) * msPerDay).toISOString().slice(0, 10);
}

/** Whether `day` is the day right after `before`. */
export function isNextDay(before: LocalDay | null, day: LocalDay): boolean {
  return before !== null && dayNumber(day) - dayNumber(before) === 1;
}
