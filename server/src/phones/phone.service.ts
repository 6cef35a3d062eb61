import { DateTime } from 'luxon';
import { Types } from 'mongoose';
import { PhoneModel, PROVIDERS } from './phone.model';
import type { PhoneDoc, ProviderName } from './phone.model';
import { encryptCredentials } from './phone.crypto';
import { parsePhoneNumber } from './phone.number';
import { OrganizationModel } from '../organizations/organization.model';
import { badInput, conflict, notFound } from '../errors';
import { parseObjectId } from '../object-id';
import { decimal, integer, optionalText, text } from '../validation';

export interface SimulationFields {
  busyRate?: number | null;
  noAnswerRate?: number | null;
  failRate?: number | null;
  voicemailRate?: number | null;
  minDurationMs?: number | null;
  maxDurationMs?: number | null;
  optOutRate?: number | null;
  callbackRate?: number | null;
  callbackAt?: string | null;
}

/** What updatePhone takes: omitted fields stay; null clears the optional ones. */
export type UpdatePhoneFields = { [K in Exclude<keyof PhoneFields, 'provider'>]?: PhoneFields[K] | null };

export interface PhoneFields {
  name: string;
  number: string;
  provider: ProviderName;
  simulation?: SimulationFields | null;
  credentials?: Record<string, unknown> | null;
  maxConcurrentCalls?: number | null;
  callsPerSecond?: number | null;
  isDefault?: boolean | null;
  providerPhoneId?: string | null;
}

/** Longest simulated call: an hour, like the default MAX_CALL_DURATION_SECONDS. */
const MAX_SIMULATED_MS = 3_600_000;
const SIMULATION_DEFAULTS = {
  busyRate: 0.1,
  noAnswerRate: 0.1,
  failRate: 0.05,
  voicemailRate: 0.1,
  minDurationMs: 2_000,
  maxDurationMs: 8_000,
  // Issue 18: what an answered contact decides; both off, so campaigns end as before.
  optOutRate: 0,
  callbackRate: 0,
};
type Simulation = typeof SIMULATION_DEFAULTS & { callbackAt: string | null };

export function listPhones(organizationId: string): Promise<PhoneDoc[]> {
  return PhoneModel.find({ organizationId }).sort({ createdAt: 1, _id: 1 }).exec();
}

/** A phone of the organization; another organization's id is NOT_FOUND like a missing one. */
export async function getPhone(organizationId: string, id: string): Promise<PhoneDoc> {
  const _id = parseObjectId(id);
  const phone = _id ? await PhoneModel.findOne({ _id, organizationId }).exec() : null;
  if (!phone) throw notFound('Phone');
  return phone;
}

/** The organization's default phone (the oldest one when none is marked), or null. */
export async function defaultPhone(organizationId: string): Promise<PhoneDoc | null> {
  return (
    (await PhoneModel.findOne({ organizationId, isDefault: true }).sort({ createdAt: 1, _id: 1 }).exec()) ??
    (await PhoneModel.findOne({ organizationId }).sort({ createdAt: 1, _id: 1 }).exec())
  );
}

/**
 * Merges and checks simulator settings: rates in [0, 1], the outcome rates adding up to at most
 * 1 and so do the answered contact's (optOutRate + callbackRate), min ≤ max, callbackAt ISO 8601.
 */
function simulation(input: SimulationFields, base: Simulation): Simulation {
  const out = { ...base };
  for (const key of ['busyRate', 'noAnswerRate', 'failRate', 'voicemailRate', 'optOutRate', 'callbackRate'] as const) {
    const value = input[key];
    if (value !== undefined && value !== null) out[key] = decimal(`simulation.${key}`, value, 0, 1);
  }
  for (const key of ['minDurationMs', 'maxDurationMs'] as const) {
    const value = input[key];
    if (value !== undefined && value !== null) out[key] = integer(`simulation.${key}`, value, 0, MAX_SIMULATED_MS);
  }
  if (out.busyRate + out.noAnswerRate + out.failRate + out.voicemailRate > 1 + 1e-9) {
    throw badInput('simulation', 'busyRate + noAnswerRate + failRate + voicemailRate must be at most 1');
  }
  if (out.optOutRate + out.callbackRate > 1 + 1e-9)
    throw badInput('simulation', 'optOutRate + callbackRate must be at most 1');
  if (out.minDurationMs > out.maxDurationMs)
    throw badInput('simulation.minDurationMs', 'must not exceed maxDurationMs');
  if (input.callbackAt !== undefined) out.callbackAt = callbackAt(input.callbackAt);
  return out;
}

/** The simulated agent's callback time: ISO 8601, with an offset (an instant) or without (the contact's wall clock). */
function callbackAt(value: string | null): string | null {
  const at = optionalText('simulation.callbackAt', value, 100);
  if (at !== null && !DateTime.fromISO(at).isValid)
    throw badInput(
      'simulation.callbackAt',
      "must be an ISO 8601 date-time, e.g. 2026-12-08T15:00 (the contact's wall clock) or 2026-12-08T23:00:00Z",
    );
  return at;
}

async function e164(organizationId: string, raw: unknown): Promise<string> {
  const org = await OrganizationModel.findById(organizationId, { defaultCountry: 1 }).lean().exec();
  const parsed = parsePhoneNumber(raw, org?.defaultCountry ?? 'US');
  if (!parsed.ok) throw badInput('number', parsed.reason);
  return parsed.e164;
}

function caps(input: Pick<PhoneFields, 'maxConcurrentCalls' | 'callsPerSecond'>): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  if (input.maxConcurrentCalls !== undefined) {
    out['maxConcurrentCalls'] =
      input.maxConcurrentCalls === null ? null : integer('maxConcurrentCalls', input.maxConcurrentCalls, 1, 10_000);
  }
  if (input.callsPerSecond !== undefined) {
    if (input.callsPerSecond === null) out['callsPerSecond'] = null;
    else if (typeof input.callsPerSecond !== 'number' || !(input.callsPerSecond > 0) || input.callsPerSecond > 1000) {
      throw badInput('callsPerSecond', 'must be more than 0 and at most 1000');
    } else out['callsPerSecond'] = input.callsPerSecond;
  }
  return out;
}

function credentials(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw badInput('credentials', 'must be an object');
  if (JSON.stringify(value).length > 4096) throw badInput('credentials', 'must be at most 4 KB');
  return value as Record<string, unknown>;
}

function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}

/** Only one default phone per organization: the newest choice wins. */
async function makeDefault(organizationId: string, id: Types.ObjectId): Promise<void> {
  // Set first, clear the others second: a reader in between sees two defaults (and picks the
  // oldest), never none.
  await PhoneModel.updateOne({ _id: id, organizationId }, { $set: { isDefault: true } }).exec();
  await PhoneModel.updateMany(
    { organizationId, _id: { $ne: id }, isDefault: true },
    { $set: { isDefault: false } },
  ).exec();
}

/** Providers that place calls from their own number objects, named by id. */
const NEEDS_PROVIDER_PHONE_ID: ReadonlySet<string> = new Set(['VAPI', 'ELEVENLABS']);

function providerPhoneId(provider: ProviderName, value: unknown): string | null {
  const id = optionalText('providerPhoneId', value, 200);
  if (!id && NEEDS_PROVIDER_PHONE_ID.has(provider))
    throw badInput('providerPhoneId', `is required for a ${provider} phone (the platform's phone number id)`);
  return id;
}

export async function createPhone(
  encryptionKey: Buffer,
  organizationId: string,
  input: PhoneFields,
): Promise<PhoneDoc> {
  const name = text('name', input.name, 1, 200);
  if (!(PROVIDERS as readonly string[]).includes(input.provider))
    throw badInput('provider', `must be one of ${PROVIDERS.join(', ')}`);
  const number = await e164(organizationId, input.number);
  const _id = new Types.ObjectId();
  const doc = {
    _id,
    organizationId,
    name,
    number,
    provider: input.provider,
    isDefault: false,
    providerPhoneId: providerPhoneId(input.provider, input.providerPhoneId),
    simulation: simulation(input.simulation ?? {}, { ...SIMULATION_DEFAULTS, callbackAt: null }),
    ...caps(input),
    credentialsEncrypted:
      input.credentials === undefined || input.credentials === null
        ? null
        : encryptCredentials(encryptionKey, credentials(input.credentials), String(_id)),
  };
  try {
    await PhoneModel.create(doc);
  } catch (error) {
    if (isDuplicateKey(error)) throw conflict(`A phone with number ${number} already exists`);
    throw error;
  }
  if (input.isDefault) await makeDefault(organizationId, _id);
  return getPhone(organizationId, String(_id));
}

export async function updatePhone(
  encryptionKey: Buffer,
  organizationId: string,
  id: string,
  input: UpdatePhoneFields,
): Promise<PhoneDoc> {
  const phone = await getPhone(organizationId, id);
  const $set: Record<string, unknown> = { ...caps(input) };
  if (input.name !== undefined && input.name !== null) $set['name'] = text('name', input.name, 1, 200);
  if (input.number !== undefined && input.number !== null) $set['number'] = await e164(organizationId, input.number);
  if (input.simulation) {
    const stored = phone.simulation as Partial<Simulation> | null | undefined;
    const current: Simulation = { ...SIMULATION_DEFAULTS, callbackAt: stored?.callbackAt ?? null };
    for (const key of Object.keys(SIMULATION_DEFAULTS) as (keyof typeof SIMULATION_DEFAULTS)[]) {
      const value = stored?.[key];
      if (typeof value === 'number') current[key] = value;
    }
    $set['simulation'] = simulation(input.simulation, current);
  }
  if (input.credentials !== undefined) {
    $set['credentialsEncrypted'] =
      input.credentials === null
        ? null
        : encryptCredentials(encryptionKey, credentials(input.credentials), String(phone._id));
  }
  if (input.isDefault === false) $set['isDefault'] = false;
  if (input.providerPhoneId !== undefined)
    $set['providerPhoneId'] = providerPhoneId(phone.provider as ProviderName, input.providerPhoneId);
  try {
    await PhoneModel.updateOne({ _id: phone._id, organizationId }, { $set }).exec();
  } catch (error) {
    if (isDuplicateKey(error)) throw conflict(`A phone with number ${String($set['number'])} already exists`);
    throw error;
  }
  if (input.isDefault === true) await makeDefault(organizationId, phone._id);
  return getPhone(organizationId, id);
}
