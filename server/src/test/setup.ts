/**
 * Jest setup: a test that writes to the console fails. Logs go through pino, which is
 * silent under test; anything printed is noise someone forgot, or an error nobody read.
 */
const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
let printed: string[] = [];

beforeEach(() => {
  printed = [];
  for (const method of methods) {
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      printed.push(`console.${method}: ${args.map(String).join(' ')}`);
    });
  }
});

afterEach(() => {
  jest.restoreAllMocks();
  if (printed.length > 0) {
    const lines = printed.join('\n');
    printed = [];
    throw new Error(`This test wrote to the console; use the logger or assert on it:\n${lines}`);
  }
});
