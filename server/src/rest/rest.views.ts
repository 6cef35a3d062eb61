import type { CampaignDoc } from '../campaigns/campaign.model';
import type { ContactDoc } from '../contacts/contact.model';
import type { CallDoc } from '../calls/call.model';
import { campaignStats } from '../campaigns/campaign.stats';
import { badInput } from '../errors';

/**
 * The older designs' JSON shapes, translated from our documents. Their clients send and read
 * statuses and priority modes in lower case (`"priorityMode": "fifo"`, status `active`), and ids
 * as `_id` (mongoose's default) as well as `id`.
 */

const lower = (value: string | null | undefined): string | null => (value ? value.toLowerCase() : null);
const iso = (value: Date | null | undefined): string | null => (value ? value.toISOString() : null);

export function campaignJson(c: CampaignDoc) {
  const s = c.settings;
  return {
    _id: String(c._id),
    id: String(c._id),
    name: c.name,
    description: c.description ?? null,
    agentId: String(c.agentId),
    phoneId: String(c.phoneId),
    status: lower(c.status),
    settings: {
      concurrentCallsLimit: s?.concurrentCallsLimit,
      retryFailedCalls: s?.retryFailedCalls,
      maxRetryAttempts: s?.maxRetryAttempts,
      retryDelayMinutes: s?.retryDelayMinutes,
      excludeVoicemail: s?.excludeVoicemail,
      priorityMode: lower(s?.priorityMode),
      callsPerMinute: s?.callsPerMinute ?? null,
      callingWindow: s?.callingWindow
        ? {
            start: s.callingWindow.start,
            end: s.callingWindow.end,
            days: [...(s.callingWindow.days ?? [])],
            timezone: s.callingWindow.timezone,
          }
        : null,
    },
    stats: campaignStats(c),
    startedAt: iso(c.startedAt),
    lastCallAt: iso(c.lastCallAt),
    createdAt: iso(c.createdAt),
    updatedAt: iso(c.updatedAt),
  };
}

export function contactJson(c: ContactDoc) {
  return {
    _id: String(c._id),
    id: String(c._id),
    phoneNumber: c.phoneNumber,
    name: c.name ?? null,
    email: c.email ?? null,
    priority: c.priority,
    customData: (c.customData as Record<string, unknown> | null) ?? null,
    status: lower(c.status),
    attempts: c.attempts,
    lastOutcome: lower(c.lastOutcome),
    nextAttemptAt: iso(c.nextAttemptAt),
    createdAt: iso(c.createdAt),
  };
}

export function callJson(c: CallDoc) {
  return {
    _id: String(c._id),
    id: String(c._id),
    contactId: String(c.contactId),
    attempt: c.attempt,
    status: lower(c.status),
    provider: c.provider,
    providerCallId: c.providerCallId ?? null,
    startedAt: iso(c.startedAt),
    answeredAt: iso(c.answeredAt),
    endedAt: iso(c.endedAt),
    durationSeconds: c.durationSeconds ?? null,
    error: c.error ?? null,
  };
}

/** An enum value as the older clients write it (`fifo`, `active`) → ours (`FIFO`, `ACTIVE`); anything else passes to the service's own check. */
export const upper = (value: unknown): unknown => (typeof value === 'string' ? value.toUpperCase() : value);

/** The JSON body as an object; 400 naming `body` otherwise. Absent body (no content-type) is `{}`. */
export function bodyOf(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw badInput('body', 'must be a JSON object');
  return body as Record<string, unknown>;
}

/** A query-string parameter given once, or undefined; 400 when repeated. */
export function queryParam(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw badInput(name, 'must be given once, as text');
  return value;
}

/** An integer query parameter within [min, max]; 400 naming it otherwise. */
export function intParam(query: Record<string, unknown>, name: string, min: number, max: number): number | undefined {
  const raw = queryParam(query, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw badInput(name, `must be an integer from ${min} to ${max}`);
  return n;
}
