import { describe, expect, it } from 'vitest';
import { countDisposition } from './count-disposition';

describe('countDisposition', () => {
  const counts = [{ disposition: 'INTERESTED', count: 2 }];
  it('counts a call the first time it carries a disposition, once', () => {
    const counted = new Set(['c0']);
    expect(countDisposition(counts, counted, { id: 'c1', disposition: 'CALLBACK' })).toEqual([
      { __typename: 'DispositionCount', disposition: 'INTERESTED', count: 2 },
      { __typename: 'DispositionCount', disposition: 'CALLBACK', count: 1 },
    ]);
    expect(countDisposition(counts, counted, { id: 'c1', disposition: 'CALLBACK' })).toBeNull();
    expect(countDisposition(counts, counted, { id: 'c2', disposition: 'INTERESTED' })).toEqual([
      { __typename: 'DispositionCount', disposition: 'INTERESTED', count: 3 },
    ]);
  });
  it('does not count a call the page loaded with, or one without a disposition', () => {
    expect(countDisposition(counts, new Set(['c0']), { id: 'c0', disposition: 'INTERESTED' })).toBeNull();
    expect(countDisposition(counts, new Set(), { id: 'c3', disposition: null })).toBeNull();
  });
});
