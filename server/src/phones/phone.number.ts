// The full ("max") metadata: the default ("min") one checks only a number's length, so its
// isValid() passes numbers whose digits no carrier assigns (libphonenumber-js README, "isValid()":
// https://github.com/catamphetamine/libphonenumber-js#isvalid-boolean). Cost: `npm run bench -- import`.
import { createRequire } from 'node:module';
import path from 'node:path';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { CountryCode } from 'libphonenumber-js/max';

/**
 * libphonenumber-js (1.13) tests a number against a metadata pattern by building
 * `new RegExp('^(?:' + pattern + ')$')` on every call (its `build/helpers/matchesEntirely.js`):
 * each time a string of up to a few KB concatenated and hashed for V8's regexp cache and a RegExp
 * allocated, four times per US number (the country's pick, then `isValid`). That was a third of
 * checking an imported row (about 5 of 15 µs, `npm run bench -- import`) and the library has no
 * option for it, so its helper is swapped, once, for one that builds each pattern's RegExp once:
 * the same patterns and the same `test` (no flags, so no `lastIndex` state), so the same verdicts.
 * A version whose helper is not where, or not what, this expects is left as it is.
 * @returns whether the helper is (now) the caching one
 */
export function cachePhonePatterns(): boolean {
  try {
    const load = createRequire(__filename);
    const root = path.dirname(load.resolve('libphonenumber-js/package.json'));
    const helper = load(path.join(root, 'build/helpers/matchesEntirely.js')) as { default?: unknown };
    if (helper.default === matchesEntirely) return true;
    if (typeof helper.default !== 'function' || !/new RegExp\(/.test(String(helper.default))) return false;
    helper.default = matchesEntirely;
    return true;
  } catch {
    return false;
  }
}

/** Compiled metadata patterns (a few thousand at most: the metadata's own). */
const compiled = new Map<string, RegExp>();

/** libphonenumber-js's `matchesEntirely`, with each pattern compiled once. */
function matchesEntirely(text: string | undefined, pattern: string): boolean {
  let regexp = compiled.get(pattern);
  if (!regexp) {
    regexp = new RegExp(`^(?:${pattern})$`);
    compiled.set(pattern, regexp);
  }
  return regexp.test(text || '');
}

cachePhonePatterns();

export type ParsedNumber = { ok: true; e164: string; country: string | null } | { ok: false; reason: string };

/**
 * Normalises a number to E.164. Numbers written without a country code are read as
 * numbers of `defaultCountry` (the organization's). Only numbers libphonenumber's full metadata
 * considers valid (length and digit patterns of a number type of their country) pass: dialling
 * the rest costs money and always fails.
 */
export function parsePhoneNumber(raw: unknown, defaultCountry: string): ParsedNumber {
  if (typeof raw !== 'string' || raw.trim() === '') return { ok: false, reason: 'is empty' };
  if (raw.length > 64) return { ok: false, reason: 'is too long to be a phone number' };
  const parsed = parsePhoneNumberFromString(raw.trim(), defaultCountry as CountryCode);
  if (!parsed) return { ok: false, reason: 'is not a phone number' };
  if (!parsed.isValid()) {
    const where = parsed.country ?? (raw.trim().startsWith('+') ? `+${parsed.countryCallingCode}` : defaultCountry);
    return { ok: false, reason: `is not a valid phone number for ${where}` };
  }
  return { ok: true, e164: parsed.number, country: parsed.country ?? null };
}

// A number's time zones come from Google's libphonenumber data: phone.timezone.ts.
