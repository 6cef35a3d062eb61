/**
 * The variables of a call: what the agent's script may use, built from the contact.
 * `name`, `email` and `phoneNumber`, then every customData key, all as strings (every
 * platform takes string values: Vapi variableValues, Retell retell_llm_dynamic_variables,
 * ElevenLabs dynamic_variables, Twilio <Parameter value>). A customData key that repeats a
 * built-in name wins: the customer chose it for this campaign.
 */
export interface VariableSource {
  phoneNumber: string;
  name?: string | null;
  email?: string | null;
  customData?: Record<string, unknown> | null;
}

/** A variable name: an identifier, as every platform's {{placeholder}} syntax allows. */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** Most variables one agent declares. */
export const MAX_AGENT_VARIABLES = 50;

export function buildCallVariables(contact: VariableSource): Record<string, string> {
  const out: Record<string, string> = { phoneNumber: contact.phoneNumber };
  if (contact.name) out['name'] = contact.name;
  if (contact.email) out['email'] = contact.email;
  for (const [key, value] of Object.entries(contact.customData ?? {})) {
    // null and '' are "no value": a script must not say "Hi ," to anyone.
    if (value === null || value === undefined || value === '') continue;
    out[key] = String(value);
  }
  return out;
}

/** The declared variables the contact has no value for, in declaration order. */
export function missingVariables(required: readonly string[], variables: Record<string, string>): string[] {
  return required.filter((name) => !(name in variables) || variables[name]!.trim() === '');
}

/** Replaces {{name}} placeholders (the syntax Vapi, Retell and ElevenLabs share); unknown ones stay as written. */
export function fillTemplate(template: string, variables: Record<string, string>): string {
  return template.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (whole, name: string) => variables[name] ?? whole);
}
