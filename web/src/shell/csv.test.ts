import { describe, expect, it } from 'vitest';
import { csvCell, neutralizeFormula, slug, toCsv } from './csv';

describe('neutralizeFormula', () => {
  it.each(['=1+1', '+15551234567', '-2', '@SUM(A1)', '\tcmd', '\rcmd', '=HYPERLINK("http://x")'])(
    'prefixes %j with a quote',
    (value) => {
      expect(neutralizeFormula(value)).toBe(`'${value}`);
    },
  );

  it.each(['Alice', '15551234567', '', ' =not at start', "'already"])('leaves %j alone', (value) => {
    expect(neutralizeFormula(value)).toBe(value);
  });
});

describe('csvCell', () => {
  it('quotes commas, quotes and line breaks', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
  });

  it('neutralizes before quoting, so a quoted formula stays text', () => {
    expect(csvCell('=1,2')).toBe(`"'=1,2"`);
    expect(csvCell('\r=1')).toBe(`"'\r=1"`);
  });

  it('writes null and undefined as empty, numbers as text', () => {
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(-3)).toBe("'-3");
  });
});

describe('toCsv', () => {
  it('joins rows with CRLF and ends with one', () => {
    expect(
      toCsv([
        ['name', 'phone'],
        ['Bob', '+1555'],
      ]),
    ).toBe("name,phone\r\nBob,'+1555\r\n");
  });
});

describe('slug', () => {
  it('makes a file-name-safe slug', () => {
    expect(slug('Spring Promo: Wave #2')).toBe('spring-promo-wave-2');
    expect(slug('!!!')).toBe('campaign');
  });
});
