import { parsePhoneNumberFromString as parseWithMinMetadata } from 'libphonenumber-js';
import { parsePhoneNumber } from './phone.number';

describe('parsePhoneNumber', () => {
  it('normalises valid numbers to E.164, reading national ones in the default country', () => {
    expect(parsePhoneNumber('(415) 555-0100', 'US')).toEqual({ ok: true, e164: '+14155550100', country: 'US' });
    expect(parsePhoneNumber('+44 20 7183 8750', 'US')).toEqual({ ok: true, e164: '+442071838750', country: 'GB' });
    expect(parsePhoneNumber('020 7183 8750', 'GB')).toEqual({ ok: true, e164: '+442071838750', country: 'GB' });
  });

  // Found by drawing random numbers: the right length for their country (so the default "min"
  // metadata calls them valid) but in no number range the full metadata knows.
  it.each(['+33262860680', '+4920086044468', '+9102888280424'])(
    'refuses %s, which only the length check of the min metadata would pass',
    (number) => {
      expect(parseWithMinMetadata(number)?.isValid()).toBe(true);
      const result = parsePhoneNumber(number, 'US');
      expect(result.ok).toBe(false);
      expect(!result.ok && result.reason).toMatch(/^is not a valid phone number for /);
    },
  );

  it('names the rule a bad value breaks', () => {
    expect(parsePhoneNumber('', 'US')).toEqual({ ok: false, reason: 'is empty' });
    expect(parsePhoneNumber('x'.repeat(65), 'US')).toEqual({ ok: false, reason: 'is too long to be a phone number' });
    expect(parsePhoneNumber('hello', 'US')).toEqual({ ok: false, reason: 'is not a phone number' });
    expect(parsePhoneNumber('+1 123 456 7890', 'US')).toMatchObject({ ok: false });
  });
});
