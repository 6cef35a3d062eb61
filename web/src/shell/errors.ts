import { CombinedGraphQLErrors } from '@apollo/client';

/** A failed mutation, split into messages for form fields and one for the whole form. */
export interface FormErrors {
  /** By dotted input path, e.g. `name`, `settings.concurrentCallsLimit`. */
  fields: Record<string, string>;
  form: string | null;
}

/**
 * Turns an error from the API into form errors: a `BAD_USER_INPUT` error names the input
 * field at fault in `extensions.field` (a dotted path; a leading `input.` is dropped), and
 * its message starts with that path, which is redundant next to the field.
 */
export function toFormErrors(error: unknown): FormErrors {
  const result: FormErrors = { fields: {}, form: null };
  if (CombinedGraphQLErrors.is(error)) {
    const other: string[] = [];
    for (const e of error.errors) {
      const field = e.extensions?.['field'];
      if (e.extensions?.['code'] === 'BAD_USER_INPUT' && typeof field === 'string' && field) {
        const path = field.replace(/^input\./, '');
        result.fields[path] = stripFieldPrefix(e.message, field, path);
      } else {
        other.push(e.message);
      }
    }
    result.form = other.length > 0 ? other.join(' ') : null;
    return result;
  }
  result.form = errorMessage(error);
  return result;
}

function stripFieldPrefix(message: string, ...prefixes: string[]): string {
  for (const prefix of prefixes) {
    if (message.startsWith(`${prefix}:`)) {
      const rest = message.slice(prefix.length + 1).trim();
      return rest.charAt(0).toUpperCase() + rest.slice(1);
    }
  }
  return message;
}

/** A message an operator can read, from any error (network, GraphQL, thrown). */
export function errorMessage(error: unknown): string {
  if (CombinedGraphQLErrors.is(error)) return error.errors.map((e) => e.message).join(' ');
  if (error instanceof Error) {
    if (/failed to fetch|networkerror|load failed/i.test(error.message)) {
      return 'Cannot reach the Dialwave API. Check your connection and try again.';
    }
    return error.message;
  }
  return String(error);
}
