import { IANAZone } from 'luxon';
import { isKnownZone, timezonesOfNumber } from './phone.timezone';

describe('time zones of a number (Google libphonenumber data)', () => {
  it('knows one zone for most US area codes, and several for prefixes that span zones', () => {
    expect(timezonesOfNumber('+12135550100')).toEqual(['America/Los_Angeles']);
    expect(timezonesOfNumber('+12125550100')).toEqual(['America/New_York']);
    // Idaho's 208 spans Mountain and Pacific time.
    expect(timezonesOfNumber('+12085550100')).toEqual(['America/Boise', 'America/Los_Angeles']);
    expect(timezonesOfNumber('+442071234567')).toEqual(['Europe/London']);
  });

  it('looks 10,000 numbers up quickly (the data is loaded once)', () => {
    const t0 = Date.now();
    for (let i = 0; i < 10_000; i++) timezonesOfNumber(`+1213555${String(i).padStart(4, '0')}`);
    // The package's own timezones() took ~3 ms a number (30 s for these); the bound is loose for a loaded machine.
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
});

describe('zone verdicts', () => {
  it('agrees with luxon, and builds a formatter once per name', () => {
    const names = ['America/New_York', 'Europe/London', 'Fantasia/Castle', 'Etc/Unknown', '', 'Asia/Kolkata'];
    const built = jest.spyOn(Intl, 'DateTimeFormat');
    try {
      for (const name of names) expect(isKnownZone(name)).toBe(IANAZone.isValidZone(name));
      const luxonCalls = built.mock.calls.length;
      built.mockClear();
      for (let i = 0; i < 1_000; i++) for (const name of names) isKnownZone(name);
      for (let i = 0; i < 1_000; i++) timezonesOfNumber(`+1212555${String(i).padStart(4, '0')}`);
      expect(luxonCalls).toBeGreaterThan(0);
      // Remembered: no formatter for names judged before (luxon builds one per call).
      expect(built.mock.calls.length).toBe(0);
    } finally {
      built.mockRestore();
    }
  });

  it('hands each caller its own array', () => {
    const first = timezonesOfNumber('+12085550100');
    first.push('Mutated/Zone');
    expect(timezonesOfNumber('+12085550101')).toEqual(['America/Boise', 'America/Los_Angeles']);
  });
});
