import { buildCallVariables, fillTemplate, missingVariables } from './agent.variables';

describe('buildCallVariables', () => {
  it('takes name, email, phoneNumber and every customData key, as strings', () => {
    expect(
      buildCallVariables({
        phoneNumber: '+14155552671',
        name: 'Ann',
        email: 'ann@example.com',
        customData: { plan: 'gold', spend: 12.5, vip: true, note: null, empty: '' },
      }),
    ).toEqual({
      phoneNumber: '+14155552671',
      name: 'Ann',
      email: 'ann@example.com',
      plan: 'gold',
      spend: '12.5',
      vip: 'true',
    });
  });

  it('leaves out what the contact lacks, and lets customData override a built-in name', () => {
    expect(buildCallVariables({ phoneNumber: '+1', name: null, customData: { name: 'Bob' } })).toEqual({
      phoneNumber: '+1',
      name: 'Bob',
    });
  });
});

describe('missingVariables', () => {
  it('lists the declared names without a value, in declaration order', () => {
    expect(missingVariables(['name', 'company', 'phoneNumber', 'plan'], { phoneNumber: '+1', plan: ' ' })).toEqual([
      'name',
      'company',
      'plan',
    ]);
    expect(missingVariables([], {})).toEqual([]);
  });
});

describe('fillTemplate', () => {
  it('fills {{name}} placeholders and leaves unknown ones as written', () => {
    expect(fillTemplate('Hi {{ name }}, about {{plan}} and {{other}}', { name: 'Ann', plan: 'gold' })).toBe(
      'Hi Ann, about gold and {{other}}',
    );
  });
});
