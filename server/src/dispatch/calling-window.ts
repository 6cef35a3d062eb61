import { DateTime } from 'luxon';
import { isKnownZone } from '../phones/phone.timezone';
import type { AmbiguousTimezoneMode } from '../campaigns/campaign.settings';

/**
 * Calling windows: when a contact may be dialled, in wall-clock time of a zone (the contact's,
 * else the window's). Pure functions; DST-correct because every computation goes through the
 * zone's wall clock (luxon), never through fixed UTC offsets.
 */
export interface CallingWindow {
  /** "HH:mm" local time the window opens. */
  start: string;
  /** "HH:mm" local time the window closes (exclusive). Earlier than start: the window spans midnight. */
  end: string;
  /** ISO weekdays 1 (Monday) … 7 (Sunday) on which the window opens. */
  days: number[];
  /** IANA zone used when the contact has none. */
  timezone: string;
}

function minutesOf(hhmm: string): number {
  const match = /^(\d{1,2}):(\d{2})$/.exec(hhmm);
  if (!match) throw new Error(`calling window time "${hhmm}" must be HH:mm`);
  const h = Number(match[1]);
  const m = Number(match[2]);
  if (h > 24 || m > 59 || (h === 24 && m > 0)) throw new Error(`calling window time "${hhmm}" is not a time of day`);
  return h * 60 + m;
}

/** The zone to use: the contact's when valid, else the window's. */
export function windowZone(window: CallingWindow, contactZone?: string | null): string {
  if (contactZone && DateTime.now().setZone(contactZone).isValid) return contactZone;
  return window.timezone;
}

/** Whether `at` falls inside the window, in `zone` (default: the window's). */
export function isWithinWindow(window: CallingWindow, at: Date, zone?: string | null): boolean {
  const local = DateTime.fromJSDate(at, { zone: windowZone(window, zone) });
  const now = local.hour * 60 + local.minute;
  const start = minutesOf(window.start);
  const end = minutesOf(window.end);
  if (start === end) return false;
  const today = window.days.includes(local.weekday);
  if (start < end) return today && now >= start && now < end;
  // Spans midnight: the evening part belongs to today, the early-morning part to yesterday.
  const yesterday = window.days.includes(local.minus({ days: 1 }).weekday);
  return (today && now >= start) || (yesterday && now < end);
}

/**
 * The instant the window opens on a local day. When the opening wall time does not exist
 * (spring-forward gap, e.g. 02:30 in New York on 2026-03-08), the window opens at the first
 * instant after the gap, when the wall clock jumps past the start.
 */
function openingOn(day: DateTime, startMinutes: number): DateTime {
  const hour = Math.floor(startMinutes / 60);
  const minute = startMinutes % 60;
  const candidate = day.set({ hour, minute, second: 0, millisecond: 0 });
  if (candidate.hour === hour && candidate.minute === minute) return candidate;
  // In a gap luxon moves forward by the gap's length; the clock jumped at the hour it lands in.
  return candidate.set({ minute: 0 });
}

/**
 * The first instant at or after `at` when the window is open, in `zone` (default: the
 * window's). Null when the window never opens (no days, or start = end).
 */
export function nextWindowOpening(window: CallingWindow, at: Date, zone?: string | null): Date | null {
  if (isWithinWindow(window, at, zone)) return at;
  const startMinutes = minutesOf(window.start);
  if (startMinutes === minutesOf(window.end) || window.days.length === 0) return null;
  const local = DateTime.fromJSDate(at, { zone: windowZone(window, zone) });
  for (let d = 0; d <= 8; d++) {
    const day = local.startOf('day').plus({ days: d });
    if (!window.days.includes(day.weekday)) continue;
    const opening = openingOn(day, startMinutes);
    if (opening.toMillis() > at.getTime()) return opening.toJSDate();
  }
  return null;
}

/** What decides a contact's zones: its own zone, or the zones its number's prefix spans. */
export interface ContactZoneFields {
  timezone?: string | null;
  prefixTimezones?: readonly string[] | null;
}

/** Whether a contact's zone is ambiguous: none of its own, and a number's prefix spanning several zones. */
export function hasAmbiguousZone(contact: ContactZoneFields): boolean {
  if (contact.timezone && isKnownZone(contact.timezone)) return false;
  return (contact.prefixTimezones ?? []).filter(isKnownZone).length > 1;
}

/**
 * The zones a contact's calling window applies in; the window must be open in every one.
 * The contact's own zone (given, or the one zone of its number's prefix); for a prefix that
 * spans several zones, all of them under MOST_RESTRICTIVE, else the window's zone (SKIP never
 * gets here for such a contact: the slot skips it first).
 */
export function contactZones(
  window: CallingWindow,
  contact: ContactZoneFields,
  ambiguous: AmbiguousTimezoneMode,
): string[] {
  if (contact.timezone && isKnownZone(contact.timezone)) return [contact.timezone];
  const spans = (contact.prefixTimezones ?? []).filter(isKnownZone);
  if (spans.length > 1 && ambiguous === 'MOST_RESTRICTIVE') return spans;
  return [window.timezone];
}

/** Whether the window is open at `at` in every one of `zones`. */
export function isWithinWindowIn(window: CallingWindow, at: Date, zones: readonly string[]): boolean {
  return zones.every((zone) => isWithinWindow(window, at, zone));
}

/**
 * The first instant at or after `at` when the window is open in every one of `zones`, or null
 * when that never happens within the search (the zones' windows do not overlap). Each step
 * jumps to the latest of the zones' next openings, so it never skips a common opening.
 */
export function nextOpeningIn(window: CallingWindow, at: Date, zones: readonly string[]): Date | null {
  let t = at;
  for (let step = 0; step < 64; step++) {
    let latest = t;
    for (const zone of zones) {
      const opening = nextWindowOpening(window, t, zone);
      if (!opening) return null;
      if (opening.getTime() > latest.getTime()) latest = opening;
    }
    if (latest.getTime() === t.getTime()) return t;
    t = latest;
  }
  return null;
}

/**
 * The zone in force for a contact, as the API shows it: its own; for a prefix that spans several
 * zones under MOST_RESTRICTIVE, those zones joined by ", ", and none (null) under SKIP, which
 * never calls it; else the window's zone (null when the campaign has no calling window).
 */
export function zoneInForce(
  window: CallingWindow | null,
  contact: ContactZoneFields,
  ambiguous: AmbiguousTimezoneMode,
): string | null {
  if (contact.timezone) return contact.timezone;
  if ((contact.prefixTimezones?.length ?? 0) > 1) {
    if (ambiguous === 'MOST_RESTRICTIVE') return contact.prefixTimezones!.join(', ');
    if (ambiguous === 'SKIP') return null;
  }
  return window?.timezone ?? null;
}
