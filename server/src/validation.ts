import { badInput } from './errors';

/**
 * Input rules shared by services. Each throws BAD_USER_INPUT naming the field, with the
 * rule in words, so a form can put the message next to the right input.
 */

/** A trimmed string of `min`..`max` characters. */
export function text(field: string, value: unknown, min: number, max: number): string {
  if (typeof value !== 'string') throw badInput(field, 'must be a string');
  const trimmed = value.trim();
  if (trimmed.length < min || trimmed.length > max) {
    throw badInput(field, min > 0 ? `must be ${min} to ${max} characters` : `must be at most ${max} characters`);
  }
  return trimmed;
}

/** Like `text` with min 0, but empty and null become null. */
export function optionalText(field: string, value: unknown, max: number): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = text(field, value, 0, max);
  return trimmed === '' ? null : trimmed;
}

/** An integer in [min, max]. */
export function integer(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw badInput(field, `must be an integer from ${min} to ${max}`);
  }
  return value;
}

/** A finite number in [min, max]. */
export function decimal(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw badInput(field, `must be a number from ${min} to ${max}`);
  }
  return value;
}

const EMAIL =
  /^[^\s@"<>(),;:\\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** Whether a string looks like a deliverable address (a sane subset of RFC 5322). */
export function isEmail(value: string): boolean {
  return value.length <= 254 && EMAIL.test(value);
}

/** A lower-cased, trimmed email address. */
export function email(field: string, value: unknown): string {
  if (typeof value !== 'string' || !isEmail(value.trim())) throw badInput(field, 'must be an email address');
  return value.trim().toLowerCase();
}

/** Escapes a user string for use inside a RegExp (search boxes must not run patterns). */
export function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
