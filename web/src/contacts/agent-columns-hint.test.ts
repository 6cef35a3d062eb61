import { describe, expect, it } from 'vitest';
import { mapColumns } from './csv-mapping';
import { missingAgentColumns } from './agent-columns-hint';

describe('missingAgentColumns', () => {
  it('finds the agent variables no column gives (name/email by field, others by header)', () => {
    const columns = mapColumns(['Phone', 'Name', 'segment']);
    expect(missingAgentColumns(['name', 'phoneNumber', 'segment', 'plan', 'email'], columns)).toEqual([
      'plan',
      'email',
    ]);
    expect(missingAgentColumns([], columns)).toEqual([]);
  });
});
