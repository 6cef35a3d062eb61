import { describe, expect, it } from 'vitest';
import {
  EMPTY_PHONE_FORM,
  phoneToForm,
  toPhoneInput,
  toUpdatePhoneInput,
  validatePhoneForm,
} from './phone-form.validation';

const form = { ...EMPTY_PHONE_FORM, name: 'Sales line', number: '+14155550100' };

describe('the phone form', () => {
  it('sends the invalid-number, opt-out and callback rates as probabilities', () => {
    const values = { ...form, invalidPercent: '2', optOutPercent: '5', callbackPercent: '12.5' };
    expect(validatePhoneForm(values)).toEqual({});
    expect(toPhoneInput(values).simulation).toMatchObject({ invalidRate: 0.02, optOutRate: 0.05, callbackRate: 0.125 });
    expect(toUpdatePhoneInput(values).simulation).toMatchObject({ invalidRate: 0.02, callbackRate: 0.125 });
  });

  it('counts invalid numbers among the outcomes that must add up to at most 100%', () => {
    const values = { ...form, busyPercent: '50', noAnswerPercent: '20', failPercent: '10', voicemailPercent: '10' };
    expect(validatePhoneForm({ ...values, invalidPercent: '10' })).toEqual({});
    expect(validatePhoneForm({ ...values, invalidPercent: '11' })['simulation.busyRate']).toMatch(/add up to 101%/);
  });

  it('keeps opt-outs and callbacks, a share of answered calls, at most 100% together', () => {
    expect(validatePhoneForm({ ...form, optOutPercent: '60', callbackPercent: '40' })).toEqual({});
    const errors = validatePhoneForm({ ...form, optOutPercent: '60', callbackPercent: '41' });
    expect(errors['simulation.optOutRate']).toMatch(/add up to 101% of answered calls/);
    expect(validatePhoneForm({ ...form, callbackPercent: '-1' })['simulation.callbackRate']).toBe(
      'Between 0 and 100 percent.',
    );
    expect(validatePhoneForm({ ...form, optOutPercent: '' })['simulation.optOutRate']).toBe(
      'Between 0 and 100 percent.',
    );
  });

  it('edits a phone with its stored rates, so saving the form does not reset them', () => {
    const values = phoneToForm({
      name: 'Sales line',
      number: '+14155550100',
      provider: 'SIMULATED',
      simulation: {
        busyRate: 0.1,
        noAnswerRate: 0.1,
        failRate: 0.05,
        voicemailRate: 0.1,
        invalidRate: 0.03,
        optOutRate: 0.2,
        callbackRate: 0.15,
        minDurationMs: 1000,
        maxDurationMs: 2000,
      },
    });
    expect(values).toMatchObject({ invalidPercent: '3', optOutPercent: '20', callbackPercent: '15' });
    expect(toUpdatePhoneInput(values).simulation).toMatchObject({
      invalidRate: 0.03,
      optOutRate: 0.2,
      callbackRate: 0.15,
    });
  });
});
