import { DateTime } from 'luxon';
import {
  contactZones,
  isWithinWindow,
  isWithinWindowIn,
  nextOpeningIn,
  nextWindowOpening,
  zoneInForce,
} from './calling-window';
import type { CallingWindow } from './calling-window';

const ny: CallingWindow = { start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5, 6, 7], timezone: 'America/New_York' };
const at = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).toJSDate();
const iso = (date: Date | null, zone: string) => (date ? DateTime.fromJSDate(date, { zone }).toISO() : null);

describe('calling windows', () => {
  it('is open inside the hours and closed outside, end exclusive', () => {
    expect(isWithinWindow(ny, at('2026-06-10T09:00', 'America/New_York'))).toBe(true);
    expect(isWithinWindow(ny, at('2026-06-10T16:59', 'America/New_York'))).toBe(true);
    expect(isWithinWindow(ny, at('2026-06-10T17:00', 'America/New_York'))).toBe(false);
    expect(isWithinWindow(ny, at('2026-06-10T08:59', 'America/New_York'))).toBe(false);
  });

  it('respects weekdays and finds Monday after a weekend', () => {
    const weekdays = { ...ny, days: [1, 2, 3, 4, 5] };
    // 2026-06-13 is a Saturday.
    const saturday = at('2026-06-13T10:00', 'America/New_York');
    expect(isWithinWindow(weekdays, saturday)).toBe(false);
    expect(iso(nextWindowOpening(weekdays, saturday), 'America/New_York')).toBe('2026-06-15T09:00:00.000-04:00');
  });

  it('uses the contact zone over the window zone', () => {
    const noonLondon = at('2026-06-10T12:00', 'Europe/London'); // 07:00 in New York
    expect(isWithinWindow(ny, noonLondon)).toBe(false);
    expect(isWithinWindow(ny, noonLondon, 'Europe/London')).toBe(true);
    expect(isWithinWindow(ny, noonLondon, 'Not/AZone')).toBe(false); // invalid zone: the window's
  });

  it('opens at 09:00 local across the New York spring-forward change (2026-03-08)', () => {
    // Saturday 18:00 EST → Sunday 09:00 EDT: 14 hours later, not 15.
    const sat = at('2026-03-07T18:00', 'America/New_York');
    const next = nextWindowOpening(ny, sat)!;
    expect(iso(next, 'America/New_York')).toBe('2026-03-08T09:00:00.000-04:00');
    expect((next.getTime() - sat.getTime()) / 3_600_000).toBe(14);
  });

  it('opens right after the gap when the start wall time does not exist (02:30 on 2026-03-08)', () => {
    const early: CallingWindow = { start: '02:30', end: '05:00', days: [7], timezone: 'America/New_York' };
    const next = nextWindowOpening(early, at('2026-03-08T00:00', 'America/New_York'))!;
    expect(next.toISOString()).toBe('2026-03-08T07:00:00.000Z'); // 03:00 EDT, the first instant past 02:30
    expect(isWithinWindow(early, next)).toBe(true);
    expect(isWithinWindow(early, new Date(next.getTime() - 1))).toBe(false);
  });

  it('opens at 09:00 local across the New York fall-back change (2026-11-01)', () => {
    const sat = at('2026-10-31T18:00', 'America/New_York');
    const next = nextWindowOpening(ny, sat)!;
    expect(iso(next, 'America/New_York')).toBe('2026-11-01T09:00:00.000-05:00');
    expect((next.getTime() - sat.getTime()) / 3_600_000).toBe(16);
  });

  it('takes the first 01:30 when the wall time repeats (fall back)', () => {
    const w: CallingWindow = { start: '01:30', end: '03:00', days: [7], timezone: 'America/New_York' };
    const next = nextWindowOpening(w, at('2026-11-01T00:00', 'America/New_York'))!;
    expect(next.toISOString()).toBe('2026-11-01T05:30:00.000Z'); // 01:30 EDT
  });

  it('handles Europe/London changes (2026-03-29 and 2026-10-25)', () => {
    const london: CallingWindow = {
      start: '08:00',
      end: '20:00',
      days: [1, 2, 3, 4, 5, 6, 7],
      timezone: 'Europe/London',
    };
    expect(nextWindowOpening(london, at('2026-03-28T21:00', 'Europe/London'))!.toISOString()).toBe(
      '2026-03-29T07:00:00.000Z',
    );
    expect(nextWindowOpening(london, at('2026-10-24T21:00', 'Europe/London'))!.toISOString()).toBe(
      '2026-10-25T08:00:00.000Z',
    );
  });

  it('supports windows that span midnight', () => {
    const night: CallingWindow = { start: '22:00', end: '02:00', days: [5], timezone: 'UTC' };
    // Friday 2026-06-12 23:00 and Saturday 01:00 belong to Friday's window; Saturday 23:00 does not.
    expect(isWithinWindow(night, new Date('2026-06-12T23:00:00Z'))).toBe(true);
    expect(isWithinWindow(night, new Date('2026-06-13T01:00:00Z'))).toBe(true);
    expect(isWithinWindow(night, new Date('2026-06-13T23:00:00Z'))).toBe(false);
    expect(nextWindowOpening(night, new Date('2026-06-13T03:00:00Z'))!.toISOString()).toBe('2026-06-19T22:00:00.000Z');
  });

  it('returns the instant itself when open, and null when never open', () => {
    const open = at('2026-06-10T10:00', 'America/New_York');
    expect(nextWindowOpening(ny, open)).toBe(open);
    expect(nextWindowOpening({ ...ny, days: [] }, open)).toBeNull();
  });
});

describe('calling windows in the zones of a contact', () => {
  const la = { timezone: 'America/Los_Angeles' };

  it('calls a Los Angeles number of a New York campaign in Los Angeles hours', () => {
    const zones = contactZones(ny, la, 'MOST_RESTRICTIVE');
    expect(zones).toEqual(['America/Los_Angeles']);
    const tenInNewYork = at('2026-06-10T10:00', 'America/New_York'); // 07:00 in Los Angeles
    expect(isWithinWindowIn(ny, tenInNewYork, zones)).toBe(false);
    expect(iso(nextOpeningIn(ny, tenInNewYork, zones), 'America/New_York')).toBe('2026-06-10T12:00:00.000-04:00');
    // 16:00 in New York is 13:00 in Los Angeles: open there, though New York closes in an hour.
    expect(isWithinWindowIn(ny, at('2026-06-10T18:30', 'America/New_York'), zones)).toBe(true);
  });

  it('waits for the window to be open in every zone a prefix spans, unless told to use the campaign zone', () => {
    // Idaho's 208 spans Boise (Mountain) and Los Angeles (Pacific).
    const idaho = { timezone: null, prefixTimezones: ['America/Boise', 'America/Los_Angeles'] };
    const nineThirtyBoise = at('2026-06-10T09:30', 'America/Boise'); // 08:30 in Los Angeles
    const strict = contactZones(ny, idaho, 'MOST_RESTRICTIVE');
    expect(isWithinWindowIn(ny, nineThirtyBoise, strict)).toBe(false);
    expect(iso(nextOpeningIn(ny, nineThirtyBoise, strict), 'America/Boise')).toBe('2026-06-10T10:00:00.000-06:00');
    expect(contactZones(ny, idaho, 'CAMPAIGN_ZONE')).toEqual(['America/New_York']);
    expect(zoneInForce(ny, idaho, 'MOST_RESTRICTIVE')).toBe('America/Boise, America/Los_Angeles');
    expect(zoneInForce(ny, idaho, 'CAMPAIGN_ZONE')).toBe('America/New_York');
    expect(zoneInForce(ny, la, 'CAMPAIGN_ZONE')).toBe('America/Los_Angeles');
  });

  it('follows the DST change: Denver moves an hour from Phoenix, and the common window shrinks', () => {
    // Phoenix keeps MST all year; Denver springs forward on 2026-03-08.
    const zones = ['America/Denver', 'America/Phoenix'];
    // Saturday before the change: both 16:30, open.
    expect(isWithinWindowIn(ny, new Date('2026-03-07T23:30:00Z'), zones)).toBe(true);
    // Sunday after the change: Phoenix 16:30 but Denver 17:30, closed.
    expect(isWithinWindowIn(ny, new Date('2026-03-08T23:30:00Z'), zones)).toBe(false);
    // Opening on Sunday: Phoenix's 09:00 (16:00Z, Denver 10:00), not Denver's 09:00 (15:00Z).
    expect(nextOpeningIn(ny, new Date('2026-03-08T12:00:00Z'), zones)?.toISOString()).toBe('2026-03-08T16:00:00.000Z');
    // The Saturday before, both opened at 16:00Z as well, an hour apart from Denver's Sunday 09:00.
    expect(nextOpeningIn(ny, new Date('2026-03-07T12:00:00Z'), ['America/Denver'])?.toISOString()).toBe(
      '2026-03-07T16:00:00.000Z',
    );
    expect(nextOpeningIn(ny, new Date('2026-03-08T12:00:00Z'), ['America/Denver'])?.toISOString()).toBe(
      '2026-03-08T15:00:00.000Z',
    );
  });

  it('never opens when the zones share no hour of the window', () => {
    const short = { ...ny, start: '09:00', end: '10:00' };
    expect(nextOpeningIn(short, new Date('2026-06-10T00:00:00Z'), ['America/New_York', 'Asia/Tokyo'])).toBeNull();
  });
});
