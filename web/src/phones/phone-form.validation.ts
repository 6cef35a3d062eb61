import type { PhoneInput, TelephonyProvider, UpdatePhoneInput } from '../gql/graphql';

/** The phone form as typed: rates in percent, durations in milliseconds. */
export interface PhoneFormValues {
  name: string;
  number: string;
  provider: TelephonyProvider;
  /** The platform's id of the number (Vapi phoneNumberId). */
  providerPhoneId: string;
  busyPercent: string;
  noAnswerPercent: string;
  failPercent: string;
  voicemailPercent: string;
  /** Calls the provider refuses as an invalid number (the contact is skipped, never retried). */
  invalidPercent: string;
  /** Of the answered contacts: those who ask not to be called again (opted out). */
  optOutPercent: string;
  /** Of the answered contacts: those who ask to be called back. */
  callbackPercent: string;
  minDurationMs: string;
  maxDurationMs: string;
}

export const EMPTY_PHONE_FORM: PhoneFormValues = {
  name: '',
  number: '',
  provider: 'SIMULATED',
  providerPhoneId: '',
  busyPercent: '10',
  noAnswerPercent: '10',
  failPercent: '5',
  voicemailPercent: '10',
  invalidPercent: '0',
  optOutPercent: '0',
  callbackPercent: '0',
  minDurationMs: '2000',
  maxDurationMs: '8000',
};

export const RATE_FIELDS = [
  { key: 'busyPercent', input: 'busyRate', label: 'Busy' },
  { key: 'noAnswerPercent', input: 'noAnswerRate', label: 'No answer' },
  { key: 'failPercent', input: 'failRate', label: 'Failed' },
  { key: 'voicemailPercent', input: 'voicemailRate', label: 'Voicemail' },
  { key: 'invalidPercent', input: 'invalidRate', label: 'Invalid number' },
] as const;

/** What an answered contact asks for (the API keeps optOutRate + callbackRate at most 1). */
export const ANSWERED_RATE_FIELDS = [
  { key: 'optOutPercent', input: 'optOutRate', label: 'Opts out' },
  { key: 'callbackPercent', input: 'callbackRate', label: 'Asks for a callback' },
] as const;

type RateField = (typeof RATE_FIELDS)[number] | (typeof ANSWERED_RATE_FIELDS)[number];

/** Checks a group of percent fields; returns their total (invalid ones left out). */
function checkPercents(values: PhoneFormValues, fields: readonly RateField[], errors: Record<string, string>): number {
  let total = 0;
  for (const field of fields) {
    const value = Number(values[field.key]);
    if (values[field.key].trim() === '' || !Number.isFinite(value) || value < 0 || value > 100)
      errors[`simulation.${field.input}`] = 'Between 0 and 100 percent.';
    else total += value;
  }
  return total;
}

/** Checks the phone form; messages by the API's input paths (`simulation.busyRate`…). */
export function validatePhoneForm(values: PhoneFormValues): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!values.name.trim()) errors['name'] = 'Name the phone, e.g. "Sales line".';
  if (!/^\+?[0-9][0-9 ()-]{5,}$/.test(values.number.trim()))
    errors['number'] = 'Enter a phone number in international format, e.g. +14155550100.';
  if (values.provider !== 'SIMULATED') return errors;
  const total = checkPercents(values, RATE_FIELDS, errors);
  if (total > 100)
    errors['simulation.busyRate'] ??= `The outcome rates add up to ${total}%; keep them at 100% or less.`;
  const answered = checkPercents(values, ANSWERED_RATE_FIELDS, errors);
  if (answered > 100)
    errors['simulation.optOutRate'] ??=
      `Opt-outs and callbacks add up to ${answered}% of answered calls; keep them at 100% or less.`;
  const min = Number(values.minDurationMs);
  const max = Number(values.maxDurationMs);
  if (!Number.isInteger(min) || min < 0)
    errors['simulation.minDurationMs'] = 'A whole number of milliseconds, 0 or more.';
  if (!Number.isInteger(max) || max < 0)
    errors['simulation.maxDurationMs'] = 'A whole number of milliseconds, 0 or more.';
  else if (Number.isInteger(min) && max < min) errors['simulation.maxDurationMs'] = 'At least the minimum duration.';
  return errors;
}

/** The form as the API's PhoneInput (rates as 0–1 probabilities). */
export function toPhoneInput(values: PhoneFormValues): PhoneInput {
  const input: PhoneInput = {
    name: values.name.trim(),
    number: values.number.trim().replace(/[\s()-]/g, ''),
    provider: values.provider,
  };
  if (values.provider === 'VAPI' || values.provider === 'ELEVENLABS')
    input.providerPhoneId = values.providerPhoneId.trim() || null;
  if (values.provider === 'SIMULATED') {
    input.simulation = {
      busyRate: Number(values.busyPercent) / 100,
      noAnswerRate: Number(values.noAnswerPercent) / 100,
      failRate: Number(values.failPercent) / 100,
      voicemailRate: Number(values.voicemailPercent) / 100,
      invalidRate: Number(values.invalidPercent) / 100,
      optOutRate: Number(values.optOutPercent) / 100,
      callbackRate: Number(values.callbackPercent) / 100,
      minDurationMs: Number(values.minDurationMs),
      maxDurationMs: Number(values.maxDurationMs),
    };
  }
  return input;
}

/** The update as the API's UpdatePhoneInput: the provider cannot change. */
export function toUpdatePhoneInput(values: PhoneFormValues): UpdatePhoneInput {
  const { provider: _provider, ...input } = toPhoneInput(values);
  return input;
}

/** A phone as the form edits it (rates back to percent). */
export function phoneToForm(phone: {
  name: string;
  number: string;
  provider: TelephonyProvider;
  providerPhoneId?: string | null;
  simulation: {
    busyRate: number;
    noAnswerRate: number;
    failRate: number;
    voicemailRate: number;
    invalidRate: number;
    optOutRate: number;
    callbackRate: number;
    minDurationMs: number;
    maxDurationMs: number;
  } | null;
}): PhoneFormValues {
  const percent = (rate: number) => String(Math.round(rate * 10_000) / 100);
  const sim = phone.simulation;
  return {
    name: phone.name,
    number: phone.number,
    provider: phone.provider,
    providerPhoneId: phone.providerPhoneId ?? '',
    busyPercent: sim ? percent(sim.busyRate) : EMPTY_PHONE_FORM.busyPercent,
    noAnswerPercent: sim ? percent(sim.noAnswerRate) : EMPTY_PHONE_FORM.noAnswerPercent,
    failPercent: sim ? percent(sim.failRate) : EMPTY_PHONE_FORM.failPercent,
    voicemailPercent: sim ? percent(sim.voicemailRate) : EMPTY_PHONE_FORM.voicemailPercent,
    invalidPercent: sim ? percent(sim.invalidRate) : EMPTY_PHONE_FORM.invalidPercent,
    optOutPercent: sim ? percent(sim.optOutRate) : EMPTY_PHONE_FORM.optOutPercent,
    callbackPercent: sim ? percent(sim.callbackRate) : EMPTY_PHONE_FORM.callbackPercent,
    minDurationMs: sim ? String(sim.minDurationMs) : EMPTY_PHONE_FORM.minDurationMs,
    maxDurationMs: sim ? String(sim.maxDurationMs) : EMPTY_PHONE_FORM.maxDurationMs,
  };
}
