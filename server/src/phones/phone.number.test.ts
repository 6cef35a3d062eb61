import { createRequire } from 'node:module';
import path from 'node:path';
import { parsePhoneNumberFromString as parseWithMinMetadata } from 'libphonenumber-js';
import { cachePhonePatterns, parsePhoneNumber } from './phone.number';

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

describe('cachePhonePatterns', () => {
  /** libphonenumber-js's own pattern helper module (the one `cachePhonePatterns` swaps). */
  const helperModule = () => {
    const load = createRequire(__filename);
    const root = path.dirname(load.resolve('libphonenumber-js/package.json'));
    return load(path.join(root, 'build/helpers/matchesEntirely.js')) as {
      default: (text: string | undefined, pattern: string) => boolean;
    };
  };

  it("swaps libphonenumber-js's pattern helper for one that compiles each pattern once", () => {
    expect(cachePhonePatterns()).toBe(true);
    const RealRegExp = RegExp;
    let built = 0;
    const spy = jest.spyOn(globalThis, 'RegExp').mockImplementation(((source: string, flags?: string) => {
      built += 1;
      return new RealRegExp(source, flags);
    }) as unknown as typeof RegExp);
    try {
      helperModule().default('4155550100', '[2-9]\\d{9}');
      const before = built;
      for (let i = 0; i < 10; i++) helperModule().default('4155550100', '[2-9]\\d{9}');
      expect(built).toBe(before);
    } finally {
      spy.mockRestore();
    }
  });

  it("gives the library's own verdicts (valid or not, E.164, country) for numbers of many countries", () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
    const codes = ['1', '44', '49', '33', '91', '65', '61', '55', '81', '234', '52', '7'];
    const numbers: string[] = ['(415) 555-0100', '020 7183 8750', '+1 123 456 7890'];
    for (let i = 0; i < 3000; i++) {
      let digits = '';
      for (let j = 0, n = 7 + (next() % 6); j < n; j++) digits += String(next() % 10);
      numbers.push(i % 5 === 0 ? digits : `+${codes[next() % codes.length]}${digits}`);
    }
    const cached = numbers.map((n) => parsePhoneNumber(n, 'GB'));
    const helper = helperModule();
    const swapped = helper.default;
    // The library's helper as it ships (build/helpers/matchesEntirely.js).
    helper.default = (text, pattern) => new RegExp('^(?:' + pattern + ')$').test(text || '');
    try {
      expect(numbers.map((n) => parsePhoneNumber(n, 'GB'))).toEqual(cached);
    } finally {
      helper.default = swapped;
    }
    expect(cached.filter((r) => r.ok).length).toBeGreaterThan(100);
  });
});
