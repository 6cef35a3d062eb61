import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../config';
import { AppError, ErrorCode } from '../errors';
import { logger } from '../logger';

/**
 * Throttling of logins and sign-ups, kept in Redis so every API process shares the counts.
 * Without it one account took 300 wrong passwords at 32 guesses a second.
 *
 * - Failed logins per account (the email, known or not, so the limit says nothing about which
 *   accounts exist): LOGIN_FAILURES_PER_ACCOUNT per 15 minutes; a successful login clears them.
 * - Failed logins per client IP, whatever the account: LOGIN_FAILURES_PER_IP per hour.
 * - Sign-ups per client IP: SIGNUPS_PER_IP per hour.
 *
 * Past a limit the caller gets RATE_LIMITED with `retryAfterSeconds`, over HTTP with status 429
 * and a Retry-After header, before any password is hashed. This is rate-limiter-flexible's
 * "login endpoint protection" pattern: check before, consume on failure, delete on success
 * (https://github.com/animir/node-rate-limiter-flexible/wiki/Overall-example#login-endpoint-protection,
 * Redis store: https://github.com/animir/node-rate-limiter-flexible/wiki/Redis).
 */
export interface AuthLimiter {
  /** Runs a login attempt within the limits: `attempt` rejects with UNAUTHENTICATED on a wrong password. */
  login<T>(ip: string | null, email: string, attempt: () => Promise<T>): Promise<T>;
  /** Counts a sign-up attempt; throws RATE_LIMITED past the limit. */
  signUp(ip: string | null): Promise<void>;
}

const ACCOUNT_WINDOW_SECONDS = 15 * 60;
const IP_WINDOW_SECONDS = 60 * 60;

/** A RATE_LIMITED client error that Apollo answers with 429 and Retry-After. */
export function rateLimited(message: string, msBeforeNext: number): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  const error = new AppError(ErrorCode.RATE_LIMITED, `${message}: try again in ${retryAfterSeconds} s`, undefined, {
    retryAfterSeconds,
  });
  // graphql-js copies the `extensions` of a thrown error onto the GraphQLError it wraps it in,
  // and Apollo takes the response's status and headers from `extensions.http` (then drops it
  // from what the client sees): https://www.apollographql.com/docs/apollo-server/data/errors#setting-http-status-code-and-headers
  return Object.assign(error, {
    extensions: { http: { status: 429, headers: new Map([['retry-after', String(retryAfterSeconds)]]) } },
  });
}

const limiters = new WeakMap<Redis, AuthLimiter>();

/** The limiter of a process (one per Redis connection: the counts themselves live in Redis). */
export function authLimiterFor(redis: Redis, config: Config): AuthLimiter {
  let limiter = limiters.get(redis);
  if (!limiter) {
    limiter = createAuthLimiter(redis, config);
    limiters.set(redis, limiter);
  }
  return limiter;
}

function createAuthLimiter(redis: Redis, config: Config): AuthLimiter {
  const { loginFailuresPerAccount, loginFailuresPerIp, signUpsPerIp } = config.authLimits;
  const prefix = `${config.redisPrefix}:auth-limit`;
  const byAccount = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `${prefix}:login-account`,
    points: loginFailuresPerAccount,
    duration: ACCOUNT_WINDOW_SECONDS,
  });
  const byIp = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `${prefix}:login-ip`,
    points: loginFailuresPerIp,
    duration: IP_WINDOW_SECONDS,
  });
  const signUps = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `${prefix}:signup-ip`,
    points: signUpsPerIp,
    duration: IP_WINDOW_SECONDS,
  });

  /** Milliseconds until `key` may try again, or 0. A Redis failure lets the attempt through, loudly. */
  const wait = async (limiter: RateLimiterRedis, key: string, max: number): Promise<number> => {
    try {
      const res = await limiter.get(key);
      return res && res.consumedPoints >= max ? res.msBeforeNext : 0;
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'auth limiter unavailable; not throttling');
      return 0;
    }
  };
  /** Counts one failure; past the limit the library rejects with a RateLimiterRes, which is expected. */
  const count = async (limiter: RateLimiterRedis, key: string): Promise<void> => {
    try {
      await limiter.consume(key);
    } catch (error) {
      if (!(error instanceof RateLimiterRes))
        logger.warn({ err: (error as Error).message }, 'auth limiter unavailable; failure not counted');
    }
  };

  return {
    async login(ip, rawEmail, attempt) {
      const account = String(rawEmail).trim().toLowerCase();
      const [ipWait, accountWait] = await Promise.all([
        ip ? wait(byIp, ip, loginFailuresPerIp) : 0,
        wait(byAccount, account, loginFailuresPerAccount),
      ]);
      if (accountWait > 0) throw rateLimited('Too many failed sign-ins for this account', accountWait);
      if (ipWait > 0) throw rateLimited('Too many failed sign-ins from this address', ipWait);
      try {
        const result = await attempt();
        await byAccount.delete(account).catch(() => undefined);
        return result;
      } catch (error) {
        if (error instanceof AppError && error.code === ErrorCode.UNAUTHENTICATED)
          await Promise.all([count(byAccount, account), ip ? count(byIp, ip) : undefined]);
        throw error;
      }
    },

    async signUp(ip) {
      if (!ip) return;
      try {
        await signUps.consume(ip);
      } catch (error) {
        if (error instanceof RateLimiterRes)
          throw rateLimited('Too many sign-ups from this address', error.msBeforeNext);
        logger.warn({ err: (error as Error).message }, 'auth limiter unavailable; not throttling');
      }
    },
  };
}
