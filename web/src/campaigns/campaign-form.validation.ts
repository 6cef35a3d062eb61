import type { CampaignSettingsInput, PriorityMode } from '../gql/graphql';
import { SETTINGS_DEFAULTS, SETTINGS_LIMITS } from '../../../server/src/campaigns/campaign.settings';

/** What the campaign form edits. Numbers stay strings until validated, as typed. */
export interface CampaignFormValues {
  name: string;
  description: string;
  agentId: string;
  /** Empty: the organization's default phone. */
  phoneId: string;
  settings: {
    concurrentCallsLimit: string;
    retryFailedCalls: boolean;
    maxRetryAttempts: string;
    retryDelayMinutes: string;
    excludeVoicemail: boolean;
    priorityMode: PriorityMode;
  };
}

/**
 * The limits and defaults of each setting the form edits: the server's own table
 * (server/src/campaigns/campaign.settings.ts, which its validation uses), so the two cannot differ.
 */
export const SETTING_LIMITS = {
  concurrentCallsLimit: { ...SETTINGS_LIMITS.concurrentCallsLimit, default: SETTINGS_DEFAULTS.concurrentCallsLimit },
  maxRetryAttempts: { ...SETTINGS_LIMITS.maxRetryAttempts, default: SETTINGS_DEFAULTS.maxRetryAttempts },
  retryDelayMinutes: { ...SETTINGS_LIMITS.retryDelayMinutes, default: SETTINGS_DEFAULTS.retryDelayMinutes },
} as const;

export const NAME_MAX_LENGTH = 200;

export const EMPTY_CAMPAIGN_FORM: CampaignFormValues = {
  name: '',
  description: '',
  agentId: '',
  phoneId: '',
  settings: {
    concurrentCallsLimit: String(SETTING_LIMITS.concurrentCallsLimit.default),
    retryFailedCalls: SETTINGS_DEFAULTS.retryFailedCalls,
    maxRetryAttempts: String(SETTING_LIMITS.maxRetryAttempts.default),
    retryDelayMinutes: String(SETTING_LIMITS.retryDelayMinutes.default),
    excludeVoicemail: SETTINGS_DEFAULTS.excludeVoicemail,
    priorityMode: SETTINGS_DEFAULTS.priorityMode,
  },
};

function checkNumber(raw: string, { min, max }: { min: number; max: number }, integer: boolean): string | null {
  const text = raw.trim();
  if (text === '') return 'Required.';
  const value = Number(text);
  if (!Number.isFinite(value)) return 'Enter a number.';
  if (integer && !Number.isInteger(value)) return 'Enter a whole number.';
  if (value < min || value > max) return `Must be between ${min} and ${max.toLocaleString('en-US')}.`;
  return null;
}

/**
 * Checks the form before it is sent; returns messages by dotted input path (the same
 * paths the API names in `extensions.field`), empty when valid.
 */
export function validateCampaignForm(values: CampaignFormValues, mode: 'create' | 'edit'): Record<string, string> {
  const errors: Record<string, string> = {};
  const name = values.name.trim();
  if (!name) errors['name'] = 'Name the campaign.';
  else if (name.length > NAME_MAX_LENGTH) errors['name'] = `Keep it under ${NAME_MAX_LENGTH} characters.`;
  if (mode === 'create' && !values.agentId) errors['agentId'] = 'Choose the voice agent that makes the calls.';
  const { settings } = values;
  const limit = checkNumber(settings.concurrentCallsLimit, SETTING_LIMITS.concurrentCallsLimit, true);
  if (limit) errors['settings.concurrentCallsLimit'] = limit;
  if (settings.retryFailedCalls) {
    const attempts = checkNumber(settings.maxRetryAttempts, SETTING_LIMITS.maxRetryAttempts, true);
    if (attempts) errors['settings.maxRetryAttempts'] = attempts;
    const delay = checkNumber(settings.retryDelayMinutes, SETTING_LIMITS.retryDelayMinutes, false);
    if (delay) errors['settings.retryDelayMinutes'] = delay;
  }
  return errors;
}

/** The settings as the API takes them (call after validation passed). */
export function toSettingsInput(settings: CampaignFormValues['settings']): CampaignSettingsInput {
  const input: CampaignSettingsInput = {
    concurrentCallsLimit: Number(settings.concurrentCallsLimit),
    retryFailedCalls: settings.retryFailedCalls,
    excludeVoicemail: settings.excludeVoicemail,
    priorityMode: settings.priorityMode,
  };
  // With retries off, the retry fields are not validated, so they are not sent either.
  if (settings.retryFailedCalls) {
    input.maxRetryAttempts = Number(settings.maxRetryAttempts);
    input.retryDelayMinutes = Number(settings.retryDelayMinutes);
  }
  return input;
}
