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

/**
 * IANA zone of countries that have exactly one. Multi-zone countries (US, CA, MX, BR, RU,
 * AU, ID, KZ…) are left out on purpose: guessing a zone there would place calls at night.
 */
const SINGLE_ZONE: Readonly<Record<string, string>> = {
  AE: 'Asia/Dubai',
  GG: 'Europe/Guernsey',
  IM: 'Europe/Isle_of_Man',
  JE: 'Europe/Jersey',
  AR: 'America/Argentina/Buenos_Aires',
  AT: 'Europe/Vienna',
  BD: 'Asia/Dhaka',
  BE: 'Europe/Brussels',
  BG: 'Europe/Sofia',
  CH: 'Europe/Zurich',
  CO: 'America/Bogota',
  CZ: 'Europe/Prague',
  DE: 'Europe/Berlin',
  DK: 'Europe/Copenhagen',
  EG: 'Africa/Cairo',
  FI: 'Europe/Helsinki',
  FR: 'Europe/Paris',
  GB: 'Europe/London',
  GR: 'Europe/Athens',
  HK: 'Asia/Hong_Kong',
  HU: 'Europe/Budapest',
  IE: 'Europe/Dublin',
  IL: 'Asia/Jerusalem',
  IN: 'Asia/Kolkata',
  IT: 'Europe/Rome',
  JP: 'Asia/Tokyo',
  KE: 'Africa/Nairobi',
  KR: 'Asia/Seoul',
  LK: 'Asia/Colombo',
  MA: 'Africa/Casablanca',
  MY: 'Asia/Kuala_Lumpur',
  NG: 'Africa/Lagos',
  NL: 'Europe/Amsterdam',
  NO: 'Europe/Oslo',
  NP: 'Asia/Kathmandu',
  NZ: 'Pacific/Auckland',
  PE: 'America/Lima',
  PH: 'Asia/Manila',
  PK: 'Asia/Karachi',
  PL: 'Europe/Warsaw',
  RO: 'Europe/Bucharest',
  SA: 'Asia/Riyadh',
  SE: 'Europe/Stockholm',
  SG: 'Asia/Singapore',
  SK: 'Europe/Bratislava',
  TH: 'Asia/Bangkok',
  TR: 'Europe/Istanbul',
  TW: 'Asia/Taipei',
  UA: 'Europe/Kyiv',
  VN: 'Asia/Ho_Chi_Minh',
  ZA: 'Africa/Johannesburg',
};

/** The country's IANA zone when it has exactly one, else null. */
export function singleTimezoneOf(country: string | null): string | null {
  return country ? (SINGLE_ZONE[country] ?? null) : null;
}
