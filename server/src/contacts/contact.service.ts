import { Types } from 'mongoose';
import { ContactModel, CONTACT_STATUSES } from './contact.model';
import type { ContactDoc, ContactStatus } from './contact.model';
import { CampaignModel } from '../campaigns/campaign.model';
import type { CampaignDoc } from '../campaigns/campaign.model';
import { CampaignCounters } from '../campaigns/campaign.counters';
import { getCampaign } from '../campaigns/campaign.service';
import { OrganizationModel } from '../organizations/organization.model';
import { parsePhoneNumber } from '../phones/phone.number';
import { isKnownZone, timezonesOfNumber } from '../phones/phone.timezone';
import type { AppServices } from '../context';
import { badInput, conflict } from '../errors';
import { parseObjectId } from '../object-id';
import { decodeCursor, encodeCursor, pageSize, toPage } from '../pagination';
import type { Page } from '../pagination';
import { isEmail } from '../validation';
import { AgentModel } from '../agents/agent.model';
import { buildCallVariables, missingVariables } from '../agents/agent.variables';

/** A contact as clients send it (GraphQL input, or one CSV row). */
export interface ContactFields {
  phoneNumber: unknown;
  name?: unknown;
  email?: unknown;
  priority?: unknown;
  customData?: unknown;
  timezone?: unknown;
}

/** A contact ready for `insertMany` (raw driver document: every field explicit). */
export interface NewContact {
  _id: Types.ObjectId;
  organizationId: Types.ObjectId;
  campaignId: Types.ObjectId;
  phoneNumber: string;
  name: string | null;
  email: string | null;
  priority: number;
  customData: Record<string, string | number | boolean | null> | null;
  timezone: string | null;
  prefixTimezones: string[] | null;
  status: ContactStatus;
  attempts: number;
  nextAttemptAt: null;
  lastOutcome: null;
  skipReason: null;
  currentCallId: null;
  createdAt: Date;
  updatedAt: Date;
}

export type ContactCheck = { ok: true; contact: NewContact } | { ok: false; reason: string };

/** The counter rule for imported contacts (new → QUEUED); the API side keeps its own figures. */
const importCounters = new CampaignCounters();

/** Most contacts one `addContacts` call takes; bigger lists go through the CSV import. */
export const MAX_CONTACTS_PER_CALL = 10_000;
/** Serialized size limit of `customData`. */
export const MAX_CUSTOM_DATA_BYTES = 4096;
export const PRIORITY_RANGE = { min: -1000, max: 1000 } as const;

export interface ContactScope {
  organizationId: Types.ObjectId;
  campaignId: Types.ObjectId;
  /** Country for numbers written without a country code. */
  defaultCountry: string;
  /** The variables the campaign's agent requires, and its name for the message (agent.variables.ts). */
  agent?: { name: string; variables: readonly string[] };
}

function customData(value: unknown): { ok: true; value: NewContact['customData'] } | { ok: false; reason: string } {
  if (value === undefined || value === null) return { ok: true, value: null };
  if (typeof value !== 'object' || Array.isArray(value)) return { ok: false, reason: 'customData must be an object' };
  // Null prototype: a "__proto__" key (a CSV column, say) is data, not this object's prototype.
  const out = Object.create(null) as Record<string, string | number | boolean | null>;
  /** Bytes the JSON of `out` can take at most: 6 per UTF-16 unit of a string ("\uXXXX"), 3 in UTF-8. */
  let bound = 2;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    // `$` and `.` in field names are operators and paths to MongoDB.
    if (key === '' || key.length > 100 || key.startsWith('$') || key.includes('.')) {
      return {
        ok: false,
        reason: `customData key "${key.slice(0, 100)}" must be 1 to 100 characters without "." or a leading "$"`,
      };
    }
    if (
      v !== null &&
      typeof v !== 'string' &&
      typeof v !== 'boolean' &&
      !(typeof v === 'number' && Number.isFinite(v))
    ) {
      return { ok: false, reason: `customData.${key} must be a string, number, boolean or null (the object is flat)` };
    }
    out[key] = v as string | number | boolean | null;
    bound += 6 * key.length + 4 + (typeof v === 'string' ? 6 * v.length + 2 : 25);
  }
  // Measured exactly only when the bound allows too much: a CSV import checks every row's
  // customData, and serializing each one was a cost per row for a limit few rows come near.
  if (bound > MAX_CUSTOM_DATA_BYTES && Buffer.byteLength(JSON.stringify(out), 'utf8') > MAX_CUSTOM_DATA_BYTES) {
    return { ok: false, reason: `customData must be at most ${MAX_CUSTOM_DATA_BYTES} bytes as JSON` };
  }
  return { ok: true, value: Object.keys(out).length > 0 ? out : null };
}

/**
 * Checks and normalises one contact: the number to E.164 (libphonenumber, in the
 * organization's country when written without a code), the email, priority and customData.
 * The reason names the field, as a person fixing a spreadsheet needs.
 * @param id the contact's `_id` (import jobs derive it from the file line); default a fresh ObjectId
 */
export function checkContact(
  input: ContactFields,
  scope: ContactScope,
  now = new Date(),
  id?: Types.ObjectId,
): ContactCheck {
  const number = parsePhoneNumber(input.phoneNumber, scope.defaultCountry);
  if (!number.ok) return { ok: false, reason: `phoneNumber ${number.reason}` };
  let name: string | null = null;
  if (input.name !== undefined && input.name !== null) {
    if (typeof input.name !== 'string' || input.name.trim().length > 200)
      return { ok: false, reason: 'name must be at most 200 characters' };
    name = input.name.trim() || null;
  }
  let email: string | null = null;
  if (input.email !== undefined && input.email !== null && input.email !== '') {
    if (typeof input.email !== 'string' || !isEmail(input.email.trim()))
      return { ok: false, reason: 'email is not an email address' };
    email = input.email.trim().toLowerCase();
  }
  let priority = 0;
  if (input.priority !== undefined && input.priority !== null && input.priority !== '') {
    const p = typeof input.priority === 'string' ? Number(input.priority.trim()) : input.priority;
    if (typeof p !== 'number' || !Number.isInteger(p) || p < PRIORITY_RANGE.min || p > PRIORITY_RANGE.max) {
      return { ok: false, reason: `priority must be an integer from ${PRIORITY_RANGE.min} to ${PRIORITY_RANGE.max}` };
    }
    priority = p;
  }
  const data = customData(input.customData);
  if (!data.ok) return data;
  let timezone: string | null = null;
  let prefixTimezones: string[] | null = null;
  if (input.timezone !== undefined && input.timezone !== null && input.timezone !== '') {
    const zone = typeof input.timezone === 'string' ? input.timezone.trim() : '';
    if (!isKnownZone(zone))
      return { ok: false, reason: 'timezone must be an IANA time zone such as America/Los_Angeles' };
    timezone = zone;
  } else {
    // The number's prefix: one zone is the contact's; several are left to the campaign's
    // ambiguousTimezones setting.
    const zones = timezonesOfNumber(number.e164);
    if (zones.length === 1) timezone = zones[0]!;
    else if (zones.length > 1) prefixTimezones = zones;
  }
  if (scope.agent && scope.agent.variables.length > 0) {
    const missing = missingVariables(
      scope.agent.variables,
      buildCallVariables({ phoneNumber: number.e164, name, email, customData: data.value }),
    );
    // A contact dialled with a hole in the agent's script is worse than one not added at all.
    if (missing.length > 0)
      return {
        ok: false,
        reason:
          missing.length === 1
            ? `variable "${missing[0]}" required by agent "${scope.agent.name}" is missing: ` +
              'give it as a column or customData key'
            : `variables ${missing.map((m) => `"${m}"`).join(', ')} required by agent "${scope.agent.name}" ` +
              'are missing: give them as columns or customData keys',
      };
  }
  return {
    ok: true,
    contact: {
      _id: id ?? new Types.ObjectId(),
      organizationId: scope.organizationId,
      campaignId: scope.campaignId,
      phoneNumber: number.e164,
      name,
      email,
      priority,
      customData: data.value,
      timezone,
      prefixTimezones,
      status: 'QUEUED',
      attempts: 0,
      nextAttemptAt: null,
      lastOutcome: null,
      skipReason: null,
      currentCallId: null,
      createdAt: now,
      updatedAt: now,
    },
  };
}

/**
 * The campaign contacts are added to, with what checking them needs. CONFLICT for a
 * CANCELLED campaign; any other status takes contacts (a running one dials them, and the
 * dispatcher decides whether a COMPLETED one reopens).
 */
export async function contactTarget(
  organizationId: string,
  campaignId: string,
): Promise<{ campaign: CampaignDoc; scope: ContactScope }> {
  const campaign = await getCampaign(organizationId, campaignId);
  if (campaign.status === 'CANCELLED')
    throw conflict('Campaign is CANCELLED: it takes no more contacts', { status: campaign.status });
  const [org, agent] = await Promise.all([
    OrganizationModel.findById(campaign.organizationId, { defaultCountry: 1 }).lean().exec(),
    AgentModel.findById(campaign.agentId, { name: 1, variables: 1 }).lean().exec(),
  ]);
  return {
    campaign,
    scope: {
      organizationId: campaign.organizationId,
      campaignId: campaign._id,
      defaultCountry: org?.defaultCountry ?? 'US',
      ...(agent ? { agent: { name: agent.name, variables: agent.variables ?? [] } } : {}),
    },
  };
}

/**
 * Inserts checked contacts and moves the campaign's counters by the number actually
 * inserted. The unique index (campaignId, phoneNumber) is the duplicate check: numbers
 * already in the campaign, or added by a concurrent import, fail with 11000 and count as
 * duplicates, and `ordered: false` lets the rest through.
 * @returns the campaign after the counter update (null when nothing was inserted)
 */
export async function insertContacts(
  campaignId: Types.ObjectId,
  contacts: NewContact[],
): Promise<{ inserted: number; duplicates: number; campaign: CampaignDoc | null }> {
  if (contacts.length === 0) return { inserted: 0, duplicates: 0, campaign: null };
  let duplicates = 0;
  try {
    await ContactModel.collection.insertMany(contacts, { ordered: false });
  } catch (error) {
    // Duck-typed rather than `instanceof MongoBulkWriteError`: the driver is mongoose's copy.
    const raw = (error as { writeErrors?: unknown }).writeErrors;
    const writeErrors = (Array.isArray(raw) ? raw : raw ? [raw] : []) as { code?: number }[];
    if (writeErrors.length === 0 || writeErrors.some((e) => e.code !== 11000)) throw error;
    duplicates = writeErrors.length;
  }
  const inserted = contacts.length - duplicates;
  if (inserted === 0) return { inserted, duplicates, campaign: null };
  // Not atomic with the insert (no transactions on a standalone server): a crash in between
  // leaves counters short, which recountCampaign repairs.
  const after = await importCounters.count(campaignId, { from: null, to: 'QUEUED', count: inserted }, { whole: true });
  return { inserted, duplicates, campaign: after ? CampaignModel.hydrate(after) : null };
}

/** Tells dashboards (event) and the dialing engine (which may be waiting for work) about new contacts. */
export async function announceContacts(
  services: Pick<AppServices, 'events' | 'lifecycle'>,
  campaign: CampaignDoc,
): Promise<void> {
  await services.events.campaignChanged(String(campaign.organizationId), String(campaign._id));
  await services.lifecycle.contactsAdded(campaign);
}

export interface AddContactsResult {
  accepted: number;
  duplicates: number;
  rejected: { index: number; phoneNumber: string; reason: string }[];
}

/** Rows per insertMany: small enough for quick round trips, big enough to amortise them. */
const WRITE_BATCH = 1000;

/**
 * Adds up to 10,000 contacts to a campaign (which may be running). Invalid contacts are
 * rejected one by one with their index and reason; duplicates (within the list or already
 * in the campaign) are counted and skipped.
 */
export async function addContacts(
  services: Pick<AppServices, 'events' | 'lifecycle'>,
  organizationId: string,
  campaignId: string,
  contacts: ContactFields[],
): Promise<AddContactsResult> {
  if (contacts.length > MAX_CONTACTS_PER_CALL) {
    throw badInput(
      'contacts',
      `at most ${MAX_CONTACTS_PER_CALL.toLocaleString('en-US')} per call; use the CSV import for more`,
    );
  }
  const { scope } = await contactTarget(organizationId, campaignId);
  const result: AddContactsResult = { accepted: 0, duplicates: 0, rejected: [] };
  const seen = new Set<string>();
  const valid: NewContact[] = [];
  const now = new Date();
  contacts.forEach((input, index) => {
    const check = checkContact(input, scope, now);
    if (!check.ok) {
      result.rejected.push({
        index,
        phoneNumber: typeof input.phoneNumber === 'string' ? input.phoneNumber : '',
        reason: check.reason,
      });
    } else if (seen.has(check.contact.phoneNumber)) {
      result.duplicates += 1;
    } else {
      seen.add(check.contact.phoneNumber);
      valid.push(check.contact);
    }
  });
  let latest: CampaignDoc | null = null;
  for (let i = 0; i < valid.length; i += WRITE_BATCH) {
    const { inserted, duplicates, campaign } = await insertContacts(scope.campaignId, valid.slice(i, i + WRITE_BATCH));
    result.accepted += inserted;
    result.duplicates += duplicates;
    latest = campaign ?? latest;
  }
  if (latest) await announceContacts(services, latest);
  return result;
}

export interface ListContactsOptions {
  status?: ContactStatus | null;
  first?: number | null;
  after?: string | null;
}

/** A page of a campaign's contacts in insertion order (by _id). The campaign is already scoped. */
export async function listContacts(
  campaignId: Types.ObjectId,
  options: ListContactsOptions,
): Promise<Page<ContactDoc>> {
  const first = pageSize(options.first, 50);
  const filter: Record<string, unknown> = { campaignId };
  if (options.status) {
    if (!(CONTACT_STATUSES as readonly string[]).includes(options.status))
      throw badInput('status', 'is not a contact status');
    filter['status'] = options.status;
  }
  const query: Record<string, unknown> = { ...filter };
  if (options.after) {
    const [hex] = decodeCursor(options.after, ['string'] as const);
    const afterId = parseObjectId(hex);
    if (!afterId) throw badInput('after', 'is not a cursor this server issued');
    query['_id'] = { $gt: afterId };
  }
  const [rows, totalCount] = await Promise.all([
    ContactModel.find(query)
      .sort({ _id: 1 })
      .limit(first + 1)
      .exec(),
    ContactModel.countDocuments(filter).exec(),
  ]);
  return toPage(rows, first, totalCount, (c) => encodeCursor([String(c._id)]));
}
