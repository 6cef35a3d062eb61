import { askedCallbackTime, callbackTime } from './callback-time';

const LA = { timezone: 'America/Los_Angeles', prefixTimezones: null };
const window = { start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5, 6, 7], timezone: 'America/New_York' };
const windowed = { callingWindow: window, ambiguousTimezones: 'MOST_RESTRICTIVE' as const };
const anyTime = { callingWindow: null, ambiguousTimezones: 'MOST_RESTRICTIVE' as const };
const now = new Date('2026-12-07T12:00:00Z');

describe('callback time', () => {
  it("reads a time without an offset on the contact's wall clock, one with an offset as that instant", () => {
    // December: Los Angeles is UTC−8.
    expect(askedCallbackTime('2026-12-08T15:00', 'America/Los_Angeles')).toEqual(new Date('2026-12-08T23:00:00Z'));
    expect(askedCallbackTime('2026-12-08T15:00:00-05:00', 'America/Los_Angeles')).toEqual(
      new Date('2026-12-08T20:00:00Z'),
    );
    expect(askedCallbackTime('tomorrow at 3', 'America/Los_Angeles')).toBeNull();
    expect(callbackTime('2026-12-08T15:00', LA, anyTime, now)).toEqual({
      askedAt: new Date('2026-12-08T23:00:00Z'),
      at: new Date('2026-12-08T23:00:00Z'),
    });
  });

  it("moves a time outside the window to the window's next opening in the contact's zone, never earlier", () => {
    // 20:00 in Los Angeles is after 17:00 there: the next opening is 09:00 the next day in
    // Los Angeles (17:00Z), not in the campaign's New York (14:00Z).
    expect(callbackTime('2026-12-08T20:00', LA, windowed, now)).toEqual({
      askedAt: new Date('2026-12-09T04:00:00Z'),
      at: new Date('2026-12-09T17:00:00Z'),
    });
    // Inside the window: kept.
    expect(callbackTime('2026-12-08T10:30', LA, windowed, now)?.at).toEqual(new Date('2026-12-08T18:30:00Z'));
    // A date alone: midnight there, so that day's opening.
    expect(callbackTime('2026-12-08', LA, windowed, now)?.at).toEqual(new Date('2026-12-08T17:00:00Z'));
  });

  it("uses the window's zone for a contact without one, and now for a time already past", () => {
    expect(callbackTime('2026-12-08T20:00', { timezone: null }, windowed, now)?.at).toEqual(
      new Date('2026-12-09T14:00:00Z'),
    );
    // Asked for yesterday: called as soon as the window allows (now, 04:00 in LA → 09:00 LA).
    expect(callbackTime('2026-12-06T10:00', LA, windowed, now)).toEqual({
      askedAt: new Date('2026-12-06T18:00:00Z'),
      at: new Date('2026-12-07T17:00:00Z'),
    });
  });

  it('ignores an unreadable time, or one more than a year ahead', () => {
    expect(callbackTime('next Tuesday', LA, windowed, now)).toBeNull();
    expect(callbackTime('2028-01-01T10:00', LA, windowed, now)).toBeNull();
  });
});
