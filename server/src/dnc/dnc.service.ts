import { Types } from 'mongoose';
import { getCountryCallingCode } from 'libphonenumber-js/max';
import type { CountryCode } from 'libphonenumber-js/max';
import { badInput } from '../errors';
import { OrganizationModel } from '../organizations/organization.model';
import { parsePhoneNumber } from '../phones/phone.number';
import { decodeCursor, encodeCursor, pageSize, toPage } from '../pagination';
import type { Page } from '../pagination';
import type { AuthUser } from '../users/auth.token';
import { DNC_SOURCE_KINDS, DoNotCallModel } from './dnc.model';
import type { DncSource, DncSourceKind } from './dnc.model';

/** At most this many numbers per add/remove call. */
export const DNC_BATCH_LIMIT = 10_000;

/** The organization's country for numbers written without a country code. */
export async function organizationCountry(organizationId: string, fallbackCountry: string): Promise<string> {
  const org = await OrganizationModel.findById(organizationId, { defaultCountry: 1 }).lean();
  return org?.defaultCountry ?? fallbackCountry;
}

async function normalize(organizationId: string, numbers: string[], fallbackCountry: string): Promise<string[]> {
  if (numbers.length > DNC_BATCH_LIMIT) throw badInput('phoneNumbers', `at most ${DNC_BATCH_LIMIT} numbers at once`);
  const country = await organizationCountry(organizationId, fallbackCountry);
  const out = new Set<string>();
  numbers.forEach((raw, index) => {
    const parsed = parsePhoneNumber(raw, country);
    if (!parsed.ok) throw badInput(`phoneNumbers.${index}`, `"${raw}" ${parsed.reason}`);
    out.add(parsed.e164);
  });
  return [...out];
}

/** Adds numbers to the organization's list; returns how many were new. */
export async function addDoNotCall(
  organizationId: string,
  numbers: string[],
  defaultCountry: string,
  source: DncSource = { kind: 'MANUAL' },
): Promise<number> {
  return insertDoNotCall(organizationId, await normalize(organizationId, numbers, defaultCountry), source);
}

/**
 * Adds numbers already in E.164 (a CSV import checks each row itself, to report it by row);
 * returns how many were new. Duplicates among them are added once.
 */
export async function insertDoNotCall(
  organizationId: string,
  e164: string[],
  source: DncSource = { kind: 'MANUAL' },
): Promise<number> {
  if (e164.length === 0) return 0;
  const orgId = new Types.ObjectId(organizationId);
  // Upserts: adding a number twice (or racing another admin) is not an error.
  const result = await DoNotCallModel.bulkWrite(
    [...new Set(e164)].map((phoneNumber) => ({
      updateOne: {
        filter: { organizationId: orgId, phoneNumber },
        update: { $setOnInsert: { organizationId: orgId, phoneNumber, source } },
        upsert: true,
      },
    })),
    { ordered: false },
  );
  return result.upsertedCount;
}

/** Removes numbers; returns how many were on the list. */
export async function removeDoNotCall(
  organizationId: string,
  numbers: string[],
  defaultCountry: string,
): Promise<number> {
  const e164 = await normalize(organizationId, numbers, defaultCountry);
  if (e164.length === 0) return 0;
  const result = await DoNotCallModel.deleteMany({
    organizationId: new Types.ObjectId(organizationId),
    phoneNumber: { $in: e164 },
  });
  return result.deletedCount;
}

/** The organization's list, numbers in order. */
export async function listDoNotCall(organizationId: string): Promise<string[]> {
  const rows = await DoNotCallModel.find({ organizationId: new Types.ObjectId(organizationId) }, { phoneNumber: 1 })
    .sort({ phoneNumber: 1 })
    .lean();
  return rows.map((r) => r.phoneNumber);
}

/** Whether a number may not be called (checked at dial time). */
export async function isDoNotCall(organizationId: Types.ObjectId | string, phoneNumber: string): Promise<boolean> {
  return (await DoNotCallModel.exists({ organizationId, phoneNumber })) !== null;
}

/**
 * The source of numbers a caller adds through the API: `kind` for a signed-in user, API for a
 * key (it acts for no user). `kind` is MANUAL for the mutation and CSV for the file import.
 */
export function sourceOf(caller: AuthUser, kind: 'MANUAL' | 'CSV'): DncSource {
  if (caller.apiKeyId) return { kind: kind === 'CSV' ? 'CSV' : 'API', apiKeyId: new Types.ObjectId(caller.apiKeyId) };
  return { kind, userId: new Types.ObjectId(caller.userId) };
}

/** One entry of the list as the API shows it. */
export interface DncEntryView {
  id: string;
  phoneNumber: string;
  createdAt: Date;
  source: DncSourceView;
}

/** An entry's source, with its organization so references resolve only inside it. */
export interface DncSourceView {
  organizationId: string;
  kind: DncSourceKind;
  userId: string | null;
  apiKeyId: string | null;
  callId: string | null;
  campaignId: string | null;
}

export interface ListDncOptions {
  search?: string | null;
  first?: number | null;
  after?: string | null;
}

/** Characters a typed number may carry besides its digits. */
const NUMBER_PUNCTUATION = /[\s().\-/]/g;

/** Whether a search is in international form (`+` or `00`): it then needs no country. */
function isInternational(search: string): boolean {
  const typed = search.replace(NUMBER_PUNCTUATION, '');
  return typed.startsWith('+') || (typed.startsWith('00') && typed.length > 2);
}

/**
 * The E.164 prefixes a search for a number fragment matches. With a leading `+` (or `00`) the
 * digits start the number's international form. Without, they may also start its national form
 * in the organization's country (`callingCode`): "415 555" finds +1415555… in a US organization,
 * and a national trunk `0` is dropped ("020 7946" finds +44207946… in a UK one). A prefix, not a
 * substring: each prefix is one range of the `{organizationId, phoneNumber}` index, so a search
 * reads only the entries it returns, however long the list.
 */
export function searchPrefixes(search: string, callingCode: string | null): string[] {
  const typed = search.replace(NUMBER_PUNCTUATION, '');
  if (!/^\+?\d{1,15}$/.test(typed))
    throw badInput(
      'search',
      'must be the first digits of a phone number (up to 15; spaces, dashes and a leading + allowed)',
    );
  if (isInternational(typed)) return [typed.startsWith('+') ? typed : `+${typed.slice(2)}`];
  const prefixes = new Set([`+${typed}`]);
  if (callingCode) {
    prefixes.add(`+${callingCode}${typed}`);
    if (typed.startsWith('0') && typed.length > 1) prefixes.add(`+${callingCode}${typed.slice(1)}`);
  }
  return [...prefixes];
}

function callingCodeOf(country: string): string | null {
  try {
    return getCountryCallingCode(country as CountryCode);
  } catch {
    return null; // not a country libphonenumber knows: only the international form is searched
  }
}

/**
 * The filter on `phoneNumber` for a search and a cursor. An E.164 number is `+` and digits, all
 * below ':' in code-point order, so `[prefix, prefix + ':')` holds exactly the numbers starting
 * with the prefix.
 */
function numberFilter(prefixes: string[] | null, after: string | null): Record<string, unknown> {
  const afterBound = after === null ? {} : { $gt: after };
  if (!prefixes) return after === null ? {} : { phoneNumber: afterBound };
  const ranges = prefixes.map((p) => ({ phoneNumber: { $gte: p, $lt: `${p}:`, ...afterBound } }));
  return ranges.length === 1 ? ranges[0]! : { $or: ranges };
}

/**
 * A page of the organization's list in number order (the unique `{organizationId, phoneNumber}`
 * index, so paging and searching need no index of their own), after an opaque cursor of the
 * last number. `search` keeps the numbers starting with a fragment (see `searchPrefixes`).
 */
export async function listDoNotCallEntries(
  organizationId: string,
  options: ListDncOptions,
  fallbackCountry: string,
): Promise<Page<DncEntryView>> {
  const first = pageSize(options.first, 50);
  const after = options.after ? decodeCursor(options.after, ['string'] as const)[0] : null;
  const search = options.search?.trim() ? options.search.trim() : null;
  const prefixes = search
    ? searchPrefixes(
        search,
        isInternational(search) ? null : callingCodeOf(await organizationCountry(organizationId, fallbackCountry)),
      )
    : null;
  const orgId = new Types.ObjectId(organizationId);
  const [rows, totalCount] = await Promise.all([
    DoNotCallModel.find({ organizationId: orgId, ...numberFilter(prefixes, after) })
      .sort({ phoneNumber: 1 })
      .limit(first + 1)
      .lean()
      .exec(),
    DoNotCallModel.countDocuments({ organizationId: orgId, ...numberFilter(prefixes, null) }).exec(),
  ]);
  const nodes = rows.map((row): DncEntryView => ({
    id: String(row._id),
    phoneNumber: row.phoneNumber,
    createdAt: row.createdAt,
    source: sourceView(organizationId, row.source),
  }));
  return toPage(nodes, first, totalCount, (node) => encodeCursor([node.phoneNumber]));
}

const idOrNull = (id: Types.ObjectId | null | undefined): string | null => (id ? String(id) : null);

const isSourceKind = (kind: unknown): kind is DncSourceKind => (DNC_SOURCE_KINDS as readonly unknown[]).includes(kind);

/** A stored source, as the model reads it (every field may be missing on old entries). */
interface StoredSource {
  kind?: string | null;
  userId?: Types.ObjectId | null;
  apiKeyId?: Types.ObjectId | null;
  callId?: Types.ObjectId | null;
  campaignId?: Types.ObjectId | null;
}

/** Entries written before sources existed read as MANUAL, by nobody known. */
function sourceView(organizationId: string, source: StoredSource | null | undefined): DncSourceView {
  const kind = source?.kind;
  return {
    organizationId,
    kind: isSourceKind(kind) ? kind : 'MANUAL',
    userId: idOrNull(source?.userId),
    apiKeyId: idOrNull(source?.apiKeyId),
    callId: idOrNull(source?.callId),
    campaignId: idOrNull(source?.campaignId),
  };
}
