import { integer } from '../validation';

/**
 * The organization's settings: frequency caps, how many calls one number may receive in any
 * rolling 24 hours and 7 days across all the organization's campaigns. Off (null) unless set;
 * the dialing engine enforces them at dial (dispatch/frequency-caps.ts).
 */

/** The settings as the API shows them: null is "no cap". */
export interface OrganizationSettingsFields {
  maxCallsPerNumberPerDay: number | null;
  maxCallsPerNumberPerWeek: number | null;
}

/** A cap's bounds: at least one call (0 would be the do-not-call list), at most one a minute for a week. */
export const FREQUENCY_CAP_LIMITS = { min: 1, max: 10_080 } as const;

/**
 * What the sign-up form suggests (the server's default stays off): seven a week because the US
 * CFPB's Regulation F presumes more than seven calls to a person within seven days harassment
 * (12 CFR 1006.14(b)(2)(i), https://www.ecfr.gov/current/title-12/chapter-X/part-1006/subpart-B/section-1006.14),
 * and three a day so those seven are not spent in one afternoon. The web form holds its own copy.
 */
export const SUGGESTED_FREQUENCY_CAPS: OrganizationSettingsFields = {
  maxCallsPerNumberPerDay: 3,
  maxCallsPerNumberPerWeek: 7,
};

/** The settings of an organization document, defaults applied (documents older than the field have none). */
export function organizationSettingsOf(org: {
  settings?: { maxCallsPerNumberPerDay?: number | null; maxCallsPerNumberPerWeek?: number | null } | null;
}): OrganizationSettingsFields {
  return {
    maxCallsPerNumberPerDay: org.settings?.maxCallsPerNumberPerDay ?? null,
    maxCallsPerNumberPerWeek: org.settings?.maxCallsPerNumberPerWeek ?? null,
  };
}

/** Input of a settings change: absent leaves a setting as it is, null turns it off. */
export type OrganizationSettingsInputFields = Partial<{ [K in keyof OrganizationSettingsFields]: number | null }>;

/**
 * Checks settings given (sign-up, a change): the ones present, each an integer in
 * FREQUENCY_CAP_LIMITS or null. BAD_USER_INPUT names the field (under `prefix`, e.g. `settings.`
 * in sign-up) and the rule.
 */
export function checkSettings(
  input: OrganizationSettingsInputFields,
  prefix = '',
): Partial<OrganizationSettingsFields> {
  const checked: Partial<OrganizationSettingsFields> = {};
  for (const key of ['maxCallsPerNumberPerDay', 'maxCallsPerNumberPerWeek'] as const) {
    const value = input[key];
    if (value === undefined) continue;
    checked[key] =
      value === null ? null : integer(`${prefix}${key}`, value, FREQUENCY_CAP_LIMITS.min, FREQUENCY_CAP_LIMITS.max);
  }
  return checked;
}

/** The `$set` of a settings change (see checkSettings): only what the input names changes. */
export function settingsUpdate(input: OrganizationSettingsInputFields): Record<string, number | null> {
  const $set: Record<string, number | null> = {};
  for (const [key, value] of Object.entries(checkSettings(input)))
    if (value !== undefined) $set[`settings.${key}`] = value;
  return $set;
}
