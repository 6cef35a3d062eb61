import { IANAZone } from 'luxon';
import type { Types } from 'mongoose';
import { CampaignModel, CAMPAIGN_STATUSES } from './campaign.model';
import type { CampaignDoc, CampaignStatus } from './campaign.model';
import { AMBIGUOUS_TIMEZONE_MODES, PRIORITY_MODES, SETTINGS_DEFAULTS, SETTINGS_LIMITS } from './campaign.settings';
import type { PriorityMode } from './campaign.settings';
import { BACKOFFS, RETRY_OUTCOMES } from '../dispatch/retry-policy';
import type { Backoff, RetryOutcome, RetryRule } from '../dispatch/retry-policy';
import { agentPhoneMisfit, skipContactsMissingVariables } from '../agents/agent.campaigns';
import { AgentModel } from '../agents/agent.model';
import { PhoneModel } from '../phones/phone.model';
import { defaultPhone } from '../phones/phone.service';
import { ContactModel } from '../contacts/contact.model';
import { CallModel } from '../calls/call.model';
import type { AppServices } from '../context';
import { badInput, conflict, notFound } from '../errors';
import { parseObjectId } from '../object-id';
import { pageNewestFirst, pageSize } from '../pagination';
import type { Page } from '../pagination';
import { decimal, escapeRegExp, integer, optionalText, text } from '../validation';

export interface CallingWindowFields {
  start: string;
  end: string;
  days?: number[] | null;
  timezone: string;
}

/** Settings as clients send them: every field optional (omitted keeps the current value). */
export interface SettingsFields {
  concurrentCallsLimit?: number | null;
  retryFailedCalls?: boolean | null;
  maxRetryAttempts?: number | null;
  retryDelayMinutes?: number | null;
  excludeVoicemail?: boolean | null;
  priorityMode?: PriorityMode | null;
  callsPerMinute?: number | null;
  callingWindow?: CallingWindowFields | null;
  retryRules?: RetryRuleFields[] | null;
  ambiguousTimezones?: string | null;
}

export interface RetryRuleFields {
  outcome: string;
  maxAttempts: number;
  delayMinutes: number;
  backoff?: string | null;
}

export interface CreateCampaignFields {
  name: string;
  description?: string | null;
  agentId: string;
  phoneId?: string | null;
  settings?: SettingsFields | null;
}

export interface UpdateCampaignFields {
  name?: string | null;
  description?: string | null;
  settings?: SettingsFields | null;
  agentId?: string | null;
  phoneId?: string | null;
}

/** The older design's retry fields, which build the default retry rules. */
const RETRY_SHORTHAND = ['retryFailedCalls', 'maxRetryAttempts', 'retryDelayMinutes', 'excludeVoicemail'] as const;

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

function callingWindow(input: CallingWindowFields): Required<CallingWindowFields> {
  const f = 'settings.callingWindow';
  if (typeof input.start !== 'string' || !HH_MM.test(input.start))
    throw badInput(`${f}.start`, 'must be a 24-hour time "HH:mm"');
  if (typeof input.end !== 'string' || !(HH_MM.test(input.end) || input.end === '24:00')) {
    throw badInput(`${f}.end`, 'must be a 24-hour time "HH:mm" (24:00 for midnight)');
  }
  // An end before the start is a window across midnight (22:00–06:00); equal ones are empty.
  if (input.end === input.start) throw badInput(`${f}.end`, 'must differ from start (the window would be empty)');
  const days = input.days ?? [1, 2, 3, 4, 5];
  if (
    days.length === 0 ||
    days.some((d) => !Number.isInteger(d) || d < 1 || d > 7) ||
    new Set(days).size !== days.length
  ) {
    throw badInput(`${f}.days`, 'must list distinct ISO weekdays from 1 (Monday) to 7 (Sunday), at least one');
  }
  if (typeof input.timezone !== 'string' || !IANAZone.isValidZone(input.timezone)) {
    throw badInput(`${f}.timezone`, 'must be an IANA time zone such as Europe/London');
  }
  return { start: input.start, end: input.end, days: [...days].sort((a, b) => a - b), timezone: input.timezone };
}

function retryRules(input: readonly RetryRuleFields[]): RetryRule[] {
  if (!Array.isArray(input)) throw badInput('settings.retryRules', 'must be a list of rules');
  const L = SETTINGS_LIMITS;
  const seen = new Set<string>();
  return input.map((r, i) => {
    const f = `settings.retryRules[${i}]`;
    if (!(RETRY_OUTCOMES as readonly string[]).includes(r?.outcome))
      throw badInput(`${f}.outcome`, `must be one of ${RETRY_OUTCOMES.join(', ')}`);
    if (seen.has(r.outcome)) throw badInput(`${f}.outcome`, `${r.outcome} has a rule already: one rule per outcome`);
    seen.add(r.outcome);
    const backoff = r.backoff ?? 'FIXED';
    if (!(BACKOFFS as readonly string[]).includes(backoff))
      throw badInput(`${f}.backoff`, `must be one of ${BACKOFFS.join(', ')}`);
    return {
      outcome: r.outcome as RetryOutcome,
      maxAttempts: integer(`${f}.maxAttempts`, r.maxAttempts, L.ruleMaxAttempts.min, L.ruleMaxAttempts.max),
      delayMinutes: decimal(`${f}.delayMinutes`, r.delayMinutes, L.retryDelayMinutes.min, L.retryDelayMinutes.max),
      backoff: backoff as Backoff,
    };
  });
}

/**
 * Checks the settings given and returns the `$set` paths they change (`settings.x`).
 * Every rule names its field, e.g. `settings.concurrentCallsLimit`.
 */
export function settingsUpdate(input: SettingsFields): Record<string, unknown> {
  const set: Record<string, unknown> = {};
  const L = SETTINGS_LIMITS;
  const has = <K extends keyof SettingsFields>(k: K) => input[k] !== undefined && input[k] !== null;
  if (has('concurrentCallsLimit'))
    set['settings.concurrentCallsLimit'] = integer(
      'settings.concurrentCallsLimit',
      input.concurrentCallsLimit,
      L.concurrentCallsLimit.min,
      L.concurrentCallsLimit.max,
    );
  if (has('maxRetryAttempts'))
    set['settings.maxRetryAttempts'] = integer(
      'settings.maxRetryAttempts',
      input.maxRetryAttempts,
      L.maxRetryAttempts.min,
      L.maxRetryAttempts.max,
    );
  if (has('retryDelayMinutes'))
    set['settings.retryDelayMinutes'] = decimal(
      'settings.retryDelayMinutes',
      input.retryDelayMinutes,
      L.retryDelayMinutes.min,
      L.retryDelayMinutes.max,
    );
  if (has('retryFailedCalls')) set['settings.retryFailedCalls'] = Boolean(input.retryFailedCalls);
  if (has('excludeVoicemail')) set['settings.excludeVoicemail'] = Boolean(input.excludeVoicemail);
  if (has('priorityMode')) {
    if (!(PRIORITY_MODES as readonly string[]).includes(input.priorityMode as string))
      throw badInput('settings.priorityMode', `must be one of ${PRIORITY_MODES.join(', ')}`);
    set['settings.priorityMode'] = input.priorityMode;
  }
  // For the two optional extras, an explicit null means "turn off".
  if (input.callsPerMinute !== undefined) {
    set['settings.callsPerMinute'] =
      input.callsPerMinute === null
        ? null
        : integer('settings.callsPerMinute', input.callsPerMinute, L.callsPerMinute.min, L.callsPerMinute.max);
  }
  if (input.callingWindow !== undefined)
    set['settings.callingWindow'] = input.callingWindow === null ? null : callingWindow(input.callingWindow);
  if (has('ambiguousTimezones')) {
    if (!(AMBIGUOUS_TIMEZONE_MODES as readonly string[]).includes(input.ambiguousTimezones as string))
      throw badInput('settings.ambiguousTimezones', `must be one of ${AMBIGUOUS_TIMEZONE_MODES.join(', ')}`);
    set['settings.ambiguousTimezones'] = input.ambiguousTimezones;
  }
  if (has('retryRules')) {
    const rules = retryRules(input.retryRules ?? []);
    set['settings.retryRules'] = rules.length > 0 ? rules : null;
  } else if (RETRY_SHORTHAND.some((k) => has(k))) {
    // An older client edits the shorthand: the shorthand builds the rules again, so what it
    // sees in the four fields is what the engine does.
    set['settings.retryRules'] = null;
  }
  return set;
}

/** Full settings for a new campaign: the defaults overlaid with what was given. */
function newSettings(input: SettingsFields | null | undefined): Record<string, unknown> {
  const settings: Record<string, unknown> = {
    ...SETTINGS_DEFAULTS,
    callsPerMinute: null,
    callingWindow: null,
    retryRules: null,
  };
  for (const [path, value] of Object.entries(settingsUpdate(input ?? {})))
    settings[path.slice('settings.'.length)] = value;
  return settings;
}

async function agentRef(organizationId: string, id: unknown) {
  const _id = parseObjectId(id);
  const agent = _id ? await AgentModel.exists({ _id, organizationId }) : null;
  if (!agent) throw badInput('agentId', 'no such agent in your organization');
  return agent._id;
}

async function phoneRef(organizationId: string, id: unknown) {
  const _id = parseObjectId(id);
  const phone = _id ? await PhoneModel.exists({ _id, organizationId }) : null;
  if (!phone) throw badInput('phoneId', 'no such phone in your organization');
  return phone._id;
}

/** A campaign of the organization, or null (also for another organization's id and malformed ids). */
export async function findCampaign(organizationId: string, id: string): Promise<CampaignDoc | null> {
  const _id = parseObjectId(id);
  return _id ? CampaignModel.findOne({ _id, organizationId }).exec() : null;
}

/** Like `findCampaign`, but NOT_FOUND ("Campaign not found") instead of null. */
export async function getCampaign(organizationId: string, id: string): Promise<CampaignDoc> {
  const campaign = await findCampaign(organizationId, id);
  if (!campaign) throw notFound('Campaign');
  return campaign;
}

export async function createCampaign(
  services: Pick<AppServices, 'events'>,
  organizationId: string,
  input: CreateCampaignFields,
): Promise<CampaignDoc> {
  const name = text('name', input.name, 1, 200);
  const description = optionalText('description', input.description, 2000);
  const settings = newSettings(input.settings);
  const agentId = await agentRef(organizationId, input.agentId);
  let phoneId;
  if (input.phoneId !== undefined && input.phoneId !== null) phoneId = await phoneRef(organizationId, input.phoneId);
  else {
    const phone = await defaultPhone(organizationId);
    if (!phone) throw badInput('phoneId', 'is required: your organization has no phone yet');
    phoneId = phone._id;
  }
  const misfit = await agentPhoneMisfit(agentId, phoneId);
  if (misfit) throw badInput('agentId', misfit);
  const campaign = await CampaignModel.create({
    organizationId,
    name,
    description,
    agentId,
    phoneId,
    status: 'DRAFT',
    settings,
  });
  await services.events.campaignChanged(organizationId, String(campaign._id));
  return campaign;
}

/**
 * Updates a campaign, also while it runs: a running campaign's dispatcher hears of new
 * settings at once (limit, retry policy). Agent and phone cannot change while ACTIVE.
 */
export async function updateCampaign(
  services: Pick<AppServices, 'events' | 'lifecycle'>,
  organizationId: string,
  id: string,
  input: UpdateCampaignFields,
): Promise<CampaignDoc> {
  const $set: Record<string, unknown> = {};
  if (input.name !== undefined && input.name !== null) $set['name'] = text('name', input.name, 1, 200);
  if (input.description !== undefined) $set['description'] = optionalText('description', input.description, 2000);
  const settings = input.settings ? settingsUpdate(input.settings) : {};
  Object.assign($set, settings);
  const refs = input.agentId != null || input.phoneId != null;
  if (input.agentId !== undefined && input.agentId !== null)
    $set['agentId'] = await agentRef(organizationId, input.agentId);
  if (input.phoneId !== undefined && input.phoneId !== null)
    $set['phoneId'] = await phoneRef(organizationId, input.phoneId);

  const _id = parseObjectId(id);
  if (!_id) throw notFound('Campaign');
  if (refs) {
    // The pair as it will be: a new agent must fit the current phone, and the other way round.
    const current = await getCampaign(organizationId, id);
    const misfit = await agentPhoneMisfit(
      ($set['agentId'] as Types.ObjectId | undefined) ?? current.agentId,
      ($set['phoneId'] as Types.ObjectId | undefined) ?? current.phoneId,
    );
    if (misfit) throw badInput(input.agentId != null ? 'agentId' : 'phoneId', misfit);
  }
  // The status condition sits in the filter so a concurrent start cannot slip in between.
  const filter: Record<string, unknown> = refs
    ? { _id, organizationId, status: { $ne: 'ACTIVE' } }
    : { _id, organizationId };
  const campaign = await CampaignModel.findOneAndUpdate(filter, { $set }, { returnDocument: 'after' }).exec();
  if (!campaign) {
    const existing = await getCampaign(organizationId, id);
    throw conflict(`Campaign is ${existing.status}: pause it before changing its agent or phone`, {
      status: existing.status,
    });
  }
  // A new agent may need variables some waiting contacts lack: they are skipped, never dialled.
  if (input.agentId != null) await skipContactsMissingVariables(campaign._id);
  if (Object.keys(settings).length > 0 && (campaign.status === 'ACTIVE' || campaign.status === 'PAUSED')) {
    await services.lifecycle.settingsChanged(campaign);
  }
  await services.events.campaignChanged(organizationId, String(campaign._id));
  return campaign;
}

/** Deletes a campaign with its contacts and calls; CONFLICT while it is ACTIVE. */
export async function deleteCampaign(
  services: Pick<AppServices, 'events'>,
  organizationId: string,
  id: string,
): Promise<boolean> {
  const _id = parseObjectId(id);
  if (!_id) throw notFound('Campaign');
  const { deletedCount } = await CampaignModel.deleteOne({ _id, organizationId, status: { $ne: 'ACTIVE' } }).exec();
  if (deletedCount === 0) {
    const existing = await getCampaign(organizationId, id);
    throw conflict(`Campaign is ${existing.status}: pause or cancel it before deleting it`, {
      status: existing.status,
    });
  }
  await Promise.all([
    ContactModel.deleteMany({ campaignId: _id }).exec(),
    CallModel.deleteMany({ campaignId: _id }).exec(),
  ]);
  await services.events.campaignChanged(organizationId, id);
  return true;
}

export interface ListCampaignsOptions {
  status?: CampaignStatus | null;
  search?: string | null;
  first?: number | null;
  after?: string | null;
}

/**
 * A page of the organization's campaigns, newest first (createdAt, then _id, both
 * descending: stable under inserts, no duplicates or gaps across pages).
 */
export async function listCampaigns(organizationId: string, options: ListCampaignsOptions): Promise<Page<CampaignDoc>> {
  const first = pageSize(options.first, 20);
  const filter: Record<string, unknown> = { organizationId };
  if (options.status) {
    if (!(CAMPAIGN_STATUSES as readonly string[]).includes(options.status))
      throw badInput('status', 'is not a campaign status');
    filter['status'] = options.status;
  }
  const search = optionalText('search', options.search, 200);
  if (search) filter['name'] = new RegExp(escapeRegExp(search), 'i');
  return pageNewestFirst<CampaignDoc>(CampaignModel, filter, 'createdAt', (c) => c.createdAt, first, options.after);
}
