import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { localDay } from './calendar.js';

const zones = ['Europe/Paris', 'America/New_York', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/St_Johns', 'Asia/Tokyo', 'UTC'];
const formatters = new Map(zones.map((zone) => [zone, new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' })]));
const byIntl = (at: number, zone: string) => formatters.get(zone)!.format(at);

describe('localDay', () => {
  it('is the local calendar day Intl gives, around midnights and daylight-saving switches too', () => {
    // Instants a minute apart across a day, so that one quarter hour's answer is asked again and again.
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.integer({ min: Date.UTC(1975, 0, 1), max: Date.UTC(2040, 0, 1) }), (zone, start) => {
        for (let minute = 0; minute < 1_440; minute += 7) {
          const at = start + minute * 60_000;
          expect(localDay(at, zone)).toBe(byIntl(at, zone));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('changes day at local midnight: 23:59:59.999 and 00:00 in Kathmandu (UTC+5:45)', () => {
    const midnight = Date.UTC(2026, 5, 1, 18, 15); // 2026-06-02 00:00 in Kathmandu
    expect(localDay(midnight - 1, 'Asia/Kathmandu')).toBe('2026-06-01');
    expect(localDay(midnight, 'Asia/Kathmandu')).toBe('2026-06-02');
  });
});
