import type { OrganizationSettingsInput } from '../gql/graphql';

/**
 * The organization's frequency caps as form fields, shared by the sign-up form and the
 * organization settings page: an empty field is "no cap".
 */

export type CapField = 'maxCallsPerNumberPerDay' | 'maxCallsPerNumberPerWeek';

/** What sign-up suggests (the server keeps caps off unless given; its organization.settings.ts says why these). */
export const SUGGESTED_CAPS: Record<CapField, number> = { maxCallsPerNumberPerDay: 3, maxCallsPerNumberPerWeek: 7 };

/** The server's bounds for a cap (FREQUENCY_CAP_LIMITS). */
const CAP_MIN = 1;
const CAP_MAX = 10_080;

export const CAP_FIELDS: { name: CapField; label: string }[] = [
  { name: 'maxCallsPerNumberPerDay', label: 'Calls per number in 24 hours' },
  { name: 'maxCallsPerNumberPerWeek', label: 'Calls per number in 7 days' },
];

/**
 * Both caps from a submitted form: the settings input (empty: null, no cap) and the fields that
 * are not a whole number in range, keyed `<prefix><name>` as the server names them.
 */
export function readCaps(
  form: FormData,
  prefix = '',
): { settings: OrganizationSettingsInput; errors: Record<string, string> } {
  const settings: OrganizationSettingsInput = {};
  const errors: Record<string, string> = {};
  for (const { name } of CAP_FIELDS) {
    const text = String(form.get(name) ?? '').trim();
    const value = Number(text);
    if (text === '') settings[name] = null;
    else if (Number.isInteger(value) && value >= CAP_MIN && value <= CAP_MAX) settings[name] = value;
    else
      errors[`${prefix}${name}`] = `Enter a whole number from ${CAP_MIN} to ${CAP_MAX}, or leave it empty for no cap.`;
  }
  return { settings, errors };
}

/** The two cap inputs (uncontrolled, read with readCaps), with their errors under `<prefix><name>`. */
export function CapInputs({
  id,
  defaults,
  errors,
  prefix = '',
}: {
  id: string;
  defaults: Partial<Record<CapField, number | null>>;
  errors: Record<string, string>;
  prefix?: string;
}) {
  return (
    <>
      {CAP_FIELDS.map(({ name, label }) => {
        const error = errors[`${prefix}${name}`];
        const inputId = `${id}-${name}`;
        return (
          <div className="field" key={name}>
            <label htmlFor={inputId}>{label}</label>
            <input
              id={inputId}
              name={name}
              // Text, not number: a browser empties an invalid number field, which would read as "no cap".
              type="text"
              inputMode="numeric"
              placeholder="No cap"
              defaultValue={defaults[name] ?? ''}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? `${inputId}-error` : undefined}
            />
            {error && (
              <p className="field-error" id={`${inputId}-error`}>
                {error}
              </p>
            )}
          </div>
        );
      })}
    </>
  );
}

/** "3" or "No cap", for read-only views. */
export function capText(value: number | null | undefined): string {
  return value == null ? 'No cap' : String(value);
}
