import { DateTime } from 'luxon';
import { isKnownZone } from '../phones/phone.timezone';
import type { CallingWindowSettings, CampaignSettings } from '../campaigns/campaign.settings';
import { contactZones, nextOpeningIn } from './calling-window';
import type { ContactZoneFields } from './calling-window';

/**
 * When a contact who asked to be called back is called (issue 18). Pure functions: the next-step
 * decision (`retry-policy.ts contactOutcome`) receives their result as the agent's verdict.
 */

/** Longest a callback may be asked ahead: a year. A later one is a misread date, and is ignored. */
export const MAX_CALLBACK_AHEAD_MS = 366 * 24 * 60 * 60_000;

/**
 * The zone a contact's wall-clock time ("call me tomorrow at 3 pm") is read in: the contact's
 * own (given, or the one zone of its number's prefix), else the calling window's, else UTC. A
 * prefix spanning several zones has no single wall clock, so the window's zone stands in; the
 * window itself is still applied in every zone it spans (see callbackTime).
 */
export function callbackZone(contact: ContactZoneFields, window: CallingWindowSettings | null): string {
  if (contact.timezone && isKnownZone(contact.timezone)) return contact.timezone;
  return window?.timezone ?? 'UTC';
}

/**
 * The instant a requested callback time means: an ISO 8601 date-time with an offset (or `Z`) is
 * that instant; one without an offset is a wall-clock time in `zone`; a date alone is that day's
 * midnight there (so the window's opening that day). Null when it is not ISO 8601.
 */
export function askedCallbackTime(requested: string, zone: string): Date | null {
  const parsed = DateTime.fromISO(requested.trim(), { zone });
  return parsed.isValid ? parsed.toJSDate() : null;
}

/**
 * When to call back: the time asked (`askedCallbackTime` in `callbackZone`), or now if that is
 * past, moved to the next instant the campaign's calling window is open in every zone the
 * contact's window applies in (`contactZones`), so never earlier than asked. A window that never
 * opens for the contact leaves the time asked (the claim then skips it, WINDOW_NEVER_OPENS).
 * @returns the time asked and the time of the call, or null when the request is unreadable or
 *   more than MAX_CALLBACK_AHEAD_MS ahead (the contact then goes where the call's status says)
 */
export function callbackTime(
  requested: string,
  contact: ContactZoneFields,
  settings: Pick<CampaignSettings, 'callingWindow' | 'ambiguousTimezones'>,
  now: Date = new Date(),
): { askedAt: Date; at: Date } | null {
  const window = settings.callingWindow;
  const askedAt = askedCallbackTime(requested, callbackZone(contact, window));
  if (!askedAt || askedAt.getTime() - now.getTime() > MAX_CALLBACK_AHEAD_MS) return null;
  const from = askedAt.getTime() > now.getTime() ? askedAt : now;
  if (!window) return { askedAt, at: from };
  const opening = nextOpeningIn(window, from, contactZones(window, contact, settings.ambiguousTimezones));
  return { askedAt, at: opening ?? from };
}
