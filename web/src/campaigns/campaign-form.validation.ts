import type { AmbiguousTimezone, Backoff, CampaignSettingsInput, PriorityMode, RetryOutcome } from '../gql/graphql';
import { SETTINGS_DEFAULTS, SETTINGS_LIMITS } from '../../../server/src/campaigns/campaign.settings';
import { RETRY_OUTCOMES, shorthandRule } from '../../../server/src/dispatch/retry-policy';

/** One row of the retry rules table, numbers as typed. */
export interface RetryRuleRow {
  outcome: RetryOutcome;
  maxAttempts: string;
  delayMinutes: string;
  backoff: Backoff;
}

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
    /** How a number whose prefix spans several time zones is called (or skipped). */
    ambiguousTimezones: AmbiguousTimezone;
    /** False: the four retry fields above build the rules (shown, not editable, not sent). */
    customRetryRules: boolean;
    /** One row per outcome class, in RETRY_OUTCOMES order. */
    retryRules: RetryRuleRow[];
  };
}

type Shorthand = Pick<
  CampaignFormValues['settings'],
  'retryFailedCalls' | 'maxRetryAttempts' | 'retryDelayMinutes' | 'excludeVoicemail'
>;

/**
 * The rules the four retry fields build, by the server's own function (so the table shows what
 * the engine does); a field not yet a number counts as 0.
 */
export function shorthandRows(settings: Shorthand): RetryRuleRow[] {
  const shorthand = {
    retryFailedCalls: settings.retryFailedCalls,
    maxRetryAttempts: Number(settings.maxRetryAttempts) || 0,
    retryDelayMinutes: Number(settings.retryDelayMinutes) || 0,
    excludeVoicemail: settings.excludeVoicemail,
  };
  return RETRY_OUTCOMES.map((outcome) => {
    const rule = shorthandRule(outcome, shorthand);
    return { ...rule, maxAttempts: String(rule.maxAttempts), delayMinutes: String(rule.delayMinutes) };
  });
}

/**
 * The form's rule rows from the rules in force the API shows: custom when any differs from what
 * the four retry fields build.
 */
export function retryRuleValues(
  settings: Shorthand,
  inForce: readonly { outcome: RetryOutcome; maxAttempts: number; delayMinutes: number; backoff: Backoff }[],
): Pick<CampaignFormValues['settings'], 'customRetryRules' | 'retryRules'> {
  const built = shorthandRows(settings);
  const rows = built.map((row) => {
    const rule = inForce.find((r) => r.outcome === row.outcome);
    return rule ? { ...rule, maxAttempts: String(rule.maxAttempts), delayMinutes: String(rule.delayMinutes) } : row;
  });
  const custom = rows.some(
    (row, i) =>
      row.maxAttempts !== built[i]!.maxAttempts ||
      row.delayMinutes !== built[i]!.delayMinutes ||
      row.backoff !== built[i]!.backoff,
  );
  return { customRetryRules: custom, retryRules: rows };
}

/**
 * The limits and defaults of each setting the form edits: the server's own table
 * (server/src/campaigns/campaign.settings.ts, which its validation uses), so the two cannot differ.
 */
export const SETTING_LIMITS = {
  concurrentCallsLimit: { ...SETTINGS_LIMITS.concurrentCallsLimit, default: SETTINGS_DEFAULTS.concurrentCallsLimit },
  maxRetryAttempts: { ...SETTINGS_LIMITS.maxRetryAttempts, default: SETTINGS_DEFAULTS.maxRetryAttempts },
  retryDelayMinutes: { ...SETTINGS_LIMITS.retryDelayMinutes, default: SETTINGS_DEFAULTS.retryDelayMinutes },
  ruleMaxAttempts: SETTINGS_LIMITS.ruleMaxAttempts,
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
    ambiguousTimezones: SETTINGS_DEFAULTS.ambiguousTimezones,
    customRetryRules: false,
    retryRules: shorthandRows({
      retryFailedCalls: SETTINGS_DEFAULTS.retryFailedCalls,
      maxRetryAttempts: String(SETTINGS_DEFAULTS.maxRetryAttempts),
      retryDelayMinutes: String(SETTINGS_DEFAULTS.retryDelayMinutes),
      excludeVoicemail: SETTINGS_DEFAULTS.excludeVoicemail,
    }),
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
  if (settings.customRetryRules) {
    settings.retryRules.forEach((row, i) => {
      const attempts = checkNumber(row.maxAttempts, SETTING_LIMITS.ruleMaxAttempts, true);
      if (attempts) errors[`settings.retryRules[${i}].maxAttempts`] = attempts;
      const delay = checkNumber(row.delayMinutes, SETTING_LIMITS.retryDelayMinutes, false);
      if (delay) errors[`settings.retryRules[${i}].delayMinutes`] = delay;
    });
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
    ambiguousTimezones: settings.ambiguousTimezones,
  };
  // With retries off, the retry fields are not validated, so they are not sent either.
  if (settings.retryFailedCalls) {
    input.maxRetryAttempts = Number(settings.maxRetryAttempts);
    input.retryDelayMinutes = Number(settings.retryDelayMinutes);
  }
  // Without custom rules nothing is sent: the server builds them from the fields above (and
  // drops rules set earlier when those fields change).
  if (settings.customRetryRules) {
    input.retryRules = settings.retryRules.map((row) => ({
      outcome: row.outcome,
      maxAttempts: Number(row.maxAttempts),
      delayMinutes: Number(row.delayMinutes),
      backoff: row.backoff,
    }));
  }
  return input;
}
