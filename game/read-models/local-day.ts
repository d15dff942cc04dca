const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * The local calendar day (`YYYY-MM-DD`) of an instant in an IANA timezone, as the player's actor
 * computes it; an unknown timezone falls back to UTC rather than failing a query.
 */
export function localDayOf(epochMs: number, timeZone: string): string {
  let format = formatters.get(timeZone);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    } catch {
      return localDayOf(epochMs, 'UTC');
    }
    formatters.set(timeZone, format);
  }
  const parts = format.formatToParts(epochMs);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** The day `days` after `day` (negative: before). */
export function shiftDay(day: string, days: number): string {
  const [year, month, date] = day.split('-').map(Number);
  return new Date(Date.UTC(year!, month! - 1, date! + days)).toISOString().slice(0, 10);
}
