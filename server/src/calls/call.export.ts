import { Types } from 'mongoose';
import { CampaignModel } from '../campaigns/campaign.model';
import { ContactModel } from '../contacts/contact.model';
import { badInput, notFound } from '../errors';
import { CALL_STATUSES, CallModel } from './call.model';
import type { CallStatus } from './call.model';

/** What an export includes: one campaign or the whole organization, some statuses, a time range. */
export interface CallExportFilter {
  /** One campaign; undefined: every campaign of the organization. */
  campaignId?: string;
  /** Only these statuses; empty: all. */
  statuses: CallStatus[];
  /** Calls started at or after this instant. */
  from?: Date;
  /** Calls started before this instant. */
  to?: Date;
}

/** The CSV's columns, in order (the dashboard's own export used the same names). */
export const CALL_EXPORT_COLUMNS = [
  'call_id',
  'campaign_id',
  'campaign_name',
  'contact_name',
  'phone_number',
  'email',
  'attempt',
  'status',
  'started_at',
  'answered_at',
  'ended_at',
  'duration_seconds',
  'provider_call_id',
  'error',
] as const;

export type CallExportRow = Record<(typeof CALL_EXPORT_COLUMNS)[number], string | number | null>;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function one(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw badInput(name, 'must be given once');
  return value.trim() === '' ? undefined : value.trim();
}

function date(query: Record<string, unknown>, name: string): Date | undefined {
  const text = one(query, name);
  if (text === undefined) return undefined;
  const at = new Date(text);
  if (!ISO_DATE.test(text) || Number.isNaN(at.getTime())) {
    throw badInput(name, 'must be an ISO 8601 date or date-time, like 2026-12-07 or 2026-12-07T09:30:00Z');
  }
  return at;
}

/**
 * Reads an export's filter from a query string: `campaignId`, `status` (repeated or
 * comma-separated), `from` and `to` (ISO 8601; `from` inclusive, `to` exclusive). Throws a
 * BAD_USER_INPUT error naming the parameter and its rule.
 */
export function parseCallExportFilter(query: Record<string, unknown>, campaignId?: string): CallExportFilter {
  const raw = query['status'];
  const parts = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).flatMap((v) => String(v).split(','));
  const statuses: CallStatus[] = [];
  for (const part of parts.map((p) => p.trim().toUpperCase()).filter(Boolean)) {
    if (!(CALL_STATUSES as readonly string[]).includes(part)) {
      throw badInput('status', `must be one of ${CALL_STATUSES.join(', ')} (got ${part})`);
    }
    if (!statuses.includes(part as CallStatus)) statuses.push(part as CallStatus);
  }
  const id = campaignId ?? one(query, 'campaignId');
  if (id !== undefined && !Types.ObjectId.isValid(id)) throw badInput('campaignId', 'must be a campaign id');
  const from = date(query, 'from');
  const to = date(query, 'to');
  if (from && to && from >= to) throw badInput('to', 'must be later than from');
  return { ...(id ? { campaignId: id } : {}), statuses, ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

/** The calls filter of one campaign. */
function callMatch(campaignId: Types.ObjectId, filter: CallExportFilter): Record<string, unknown> {
  const startedAt: Record<string, Date> = {};
  if (filter.from) startedAt['$gte'] = filter.from;
  if (filter.to) startedAt['$lt'] = filter.to;
  return {
    campaignId,
    ...(filter.statuses.length === 1 ? { status: filter.statuses[0] } : {}),
    ...(filter.statuses.length > 1 ? { status: { $in: filter.statuses } } : {}),
    ...(Object.keys(startedAt).length > 0 ? { startedAt } : {}),
  };
}

export interface CallExport {
  /** How many rows the export will hold (counted before it starts; calls placed meanwhile may add a few). */
  rows: number;
  /** A name for the file, without extension. */
  name: string;
  /** The rows, read in batches as the consumer asks for them. */
  rows$: AsyncGenerator<CallExportRow>;
}

/** Calls read per batch: one round trip for the calls' contacts per batch. */
const BATCH = 500;

/**
 * Prepares an export of an organization's calls (one campaign or all of them), newest first
 * within each campaign. Campaigns are read through the `{organizationId, createdAt}` index and
 * each campaign's calls through `{campaignId, [status,] startedAt}`, so an organization-wide
 * export needs no index of its own. Rows stream: memory holds one batch, whatever the size.
 */
export async function prepareCallExport(organizationId: string, filter: CallExportFilter): Promise<CallExport> {
  const orgId = new Types.ObjectId(organizationId);
  let campaigns: { _id: Types.ObjectId; name: string }[];
  if (filter.campaignId) {
    const campaign = await CampaignModel.findOne({ _id: filter.campaignId, organizationId: orgId }, { name: 1 }).lean();
    if (!campaign) throw notFound('Campaign');
    campaigns = [campaign];
  } else {
    campaigns = await CampaignModel.find({ organizationId: orgId }, { name: 1 })
      .sort({ createdAt: -1, _id: -1 })
      .lean();
  }
  let rows = 0;
  for (const campaign of campaigns) rows += await CallModel.countDocuments(callMatch(campaign._id, filter));

  async function* read(): AsyncGenerator<CallExportRow> {
    for (const campaign of campaigns) {
      const cursor = CallModel.find(callMatch(campaign._id, filter))
        .sort({ startedAt: -1, _id: -1 })
        .lean()
        .cursor({ batchSize: BATCH });
      try {
        let batch: Record<string, unknown>[] = [];
        for await (const call of cursor) {
          batch.push(call as Record<string, unknown>);
          if (batch.length === BATCH) {
            yield* withContacts(batch, campaign);
            batch = [];
          }
        }
        if (batch.length > 0) yield* withContacts(batch, campaign);
      } finally {
        await cursor.close();
      }
    }
  }
  const name = filter.campaignId ? `${campaigns[0]!.name}-calls` : 'calls';
  return { rows, name, rows$: read() };
}

const iso = (value: unknown) => (value ? new Date(value as string).toISOString() : null);

async function* withContacts(
  calls: Record<string, unknown>[],
  campaign: { _id: Types.ObjectId; name: string },
): AsyncGenerator<CallExportRow> {
  const contacts = new Map(
    (
      await ContactModel.find(
        { _id: { $in: [...new Set(calls.map((c) => String(c['contactId'])))].map((id) => new Types.ObjectId(id)) } },
        { name: 1, phoneNumber: 1, email: 1 },
      ).lean()
    ).map((c) => [String(c._id), c] as const),
  );
  for (const call of calls) {
    const contact = contacts.get(String(call['contactId']));
    yield {
      call_id: String(call['_id']),
      campaign_id: String(campaign._id),
      campaign_name: campaign.name,
      contact_name: contact?.name ?? null,
      phone_number: contact?.phoneNumber ?? null,
      email: contact?.email ?? null,
      attempt: call['attempt'] as number,
      status: call['status'] as string,
      started_at: iso(call['startedAt']),
      answered_at: iso(call['answeredAt']),
      ended_at: iso(call['endedAt']),
      duration_seconds: (call['durationSeconds'] as number | null) ?? null,
      provider_call_id: (call['providerCallId'] as string | null) ?? null,
      error: (call['error'] as string | null) ?? null,
    };
  }
}
