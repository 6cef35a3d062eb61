import { timezonesOfNumber } from './phone.timezone';

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
