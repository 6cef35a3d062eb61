import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach, beforeEach, vi } from 'vitest';
import { MockLink } from '@apollo/client/testing';

// Apollo's MockLink answers each mock after a random 20–50 ms ("realisticDelay"), so two
// queries sent together (a page's list and the signed-in role) come back in either order,
// and a test that reads a role-gated control after the list passes or fails by chance (a CI
// run failed that way). One fixed delay answers in the order asked, and the tests' "give
// the role query its turn" waits (20 ms) outlast it.
MockLink.defaultOptions = { delay: 5 };

// A test that makes React, Apollo or anything else write an error or a warning fails:
// those messages point at real bugs (a missing act(), an unmatched mock, a bad prop).
const problems: string[] = [];
beforeEach(() => {
  problems.length = 0;
  for (const level of ['error', 'warn'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      problems.push(`console.${level}: ${args.map(String).join(' ')}`);
    });
  }
});

afterEach(() => {
  cleanup();
  if (problems.length > 0) throw new Error(`The test wrote to the console:\n${problems.join('\n')}`);
});
