// The full ("max") metadata: the default ("min") one checks only a number's length, so its
// isValid() passes numbers whose digits no carrier assigns (libphonenumber-js README, "isValid()":
// https://github.com/catamphetamine/libphonenumber-js#isvalid-boolean). Cost: `npm run bench -- import`.
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { CountryCode } from 'libphonenumber-js/max';

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
