/**
 * A campaign's settings: their defaults, their limits, and `settingsOf`, the one place that
 * applies the defaults to what a stored campaign holds. Everything that reads a setting (the
 * slot loop, the retry policy, the lifecycle, the API's validation) goes through here, so a
 * default is written once.
 */

import type { RetryRule } from '../dispatch/retry-policy';

export const PRIORITY_MODES = ['FIFO', 'LIFO', 'PRIORITY'] as const;
export type PriorityMode = (typeof PRIORITY_MODES)[number];

/**
 * A contact whose number's prefix spans several zones (and who has no zone of its own) is called
 * when the window is open in the campaign's zone (CAMPAIGN_ZONE, the behaviour before), or only
 * when it is open in every zone the prefix spans (MOST_RESTRICTIVE, the default), or never:
 * SKIPPED `NO_TIMEZONE` when a slot claims it (SKIP; decided at dial, so a change of the setting
 * applies to every contact still waiting).
 */
export const AMBIGUOUS_TIMEZONE_MODES = ['CAMPAIGN_ZONE', 'MOST_RESTRICTIVE', 'SKIP'] as const;
export type AmbiguousTimezoneMode = (typeof AMBIGUOUS_TIMEZONE_MODES)[number];

/** Defaults of the older queue design, kept so its users see no change. */
export const SETTINGS_DEFAULTS = {
  concurrentCallsLimit: 3,
  retryFailedCalls: true,
  maxRetryAttempts: 3,
  retryDelayMinutes: 30,
  excludeVoicemail: false,
  priorityMode: 'FIFO' as PriorityMode,
  ambiguousTimezones: 'MOST_RESTRICTIVE' as AmbiguousTimezoneMode,
};

/** Limits of the numeric settings (inclusive); the API refuses values outside them. */
export const SETTINGS_LIMITS = {
  concurrentCallsLimit: { min: 1, max: 50 },
  maxRetryAttempts: { min: 0, max: 10 },
  retryDelayMinutes: { min: 0, max: 10_080 },
  callsPerMinute: { min: 1, max: 600 },
  /** A retry rule's calls in all: 1 + maxRetryAttempts' range. */
  ruleMaxAttempts: { min: 1, max: 11 },
} as const;

/** A calling window as stored (see campaign.model.ts). */
export interface CallingWindowSettings {
  start: string;
  end: string;
  days: number[];
  timezone: string;
}

/** Fully defaulted settings: what the engine and the lifecycle act on. */
export interface CampaignSettings {
  concurrentCallsLimit: number;
  retryFailedCalls: boolean;
  maxRetryAttempts: number;
  retryDelayMinutes: number;
  excludeVoicemail: boolean;
  priorityMode: PriorityMode;
  /** Calls started per minute; null: no pacing. */
  callsPerMinute: number | null;
  /** Null: call at any time. */
  callingWindow: CallingWindowSettings | null;
  /**
   * Explicit retry rules per outcome class; a class without one follows the shorthand above
   * (`rulesInForce` in ../dispatch/retry-policy.ts). Null: the shorthand's rules.
   */
  retryRules: RetryRule[] | null;
  ambiguousTimezones: AmbiguousTimezoneMode;
}

/** Settings as a stored (or lean) campaign may hold them: any field missing or null. */
export type StoredSettings = {
  [K in keyof CampaignSettings]?: CampaignSettings[K] | null | undefined;
};

/** The campaign's settings with every default applied. */
export function settingsOf(campaign: { settings?: StoredSettings | null }): CampaignSettings {
  const s = campaign.settings ?? {};
  const mode = s.priorityMode;
  return {
    concurrentCallsLimit: s.concurrentCallsLimit ?? SETTINGS_DEFAULTS.concurrentCallsLimit,
    retryFailedCalls: s.retryFailedCalls ?? SETTINGS_DEFAULTS.retryFailedCalls,
    maxRetryAttempts: s.maxRetryAttempts ?? SETTINGS_DEFAULTS.maxRetryAttempts,
    retryDelayMinutes: s.retryDelayMinutes ?? SETTINGS_DEFAULTS.retryDelayMinutes,
    excludeVoicemail: s.excludeVoicemail ?? SETTINGS_DEFAULTS.excludeVoicemail,
    priorityMode: mode && (PRIORITY_MODES as readonly string[]).includes(mode) ? mode : SETTINGS_DEFAULTS.priorityMode,
    callsPerMinute: s.callsPerMinute ?? null,
    callingWindow: s.callingWindow ?? null,
    retryRules: s.retryRules && s.retryRules.length > 0 ? s.retryRules : null,
    ambiguousTimezones:
      s.ambiguousTimezones && (AMBIGUOUS_TIMEZONE_MODES as readonly string[]).includes(s.ambiguousTimezones)
        ? s.ambiguousTimezones
        : SETTINGS_DEFAULTS.ambiguousTimezones,
  };
}
