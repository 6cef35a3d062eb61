import pino from 'pino';
import type { Logger } from 'pino';

export type { Logger };

/**
 * The process-wide structured logger. Silent under jest (`NODE_ENV=test` or `JEST_WORKER_ID`)
 * unless `LOG_LEVEL` says otherwise, so a test that prints is a test that has a bug.
 * The level is read here rather than from config.ts because the logger must exist before
 * configuration is parsed (to report a bad configuration).
 */
function defaultLevel(): string {
  const env = process.env;
  if (env['LOG_LEVEL']) return env['LOG_LEVEL'];
  if (env['JEST_WORKER_ID'] !== undefined || env['NODE_ENV'] === 'test') return 'silent';
  return 'info';
}

export const logger: Logger = pino({
  level: defaultLevel(),
  base: { service: 'dialwave' },
  timestamp: pino.stdTimeFunctions.isoTime,
});
