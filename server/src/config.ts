import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { IANAZone } from 'luxon';
import proxyaddr from 'proxy-addr';
import { z } from 'zod';

/**
 * Configuration enters the process here, once. Nothing else reads `process.env`.
 * A bad or missing value stops the start with a message naming the variable.
 *
 * No `MONGODB_URI` and no `REDIS_URL` means embedded mode: an in-process MongoDB-compatible
 * server, a `redis-server` child on a free port, the simulated provider and demo data.
 */

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], {
      error: 'must be one of true, false, 1, 0, yes, no',
    })
    .optional()
    .transform((v) => (v === undefined ? fallback : v === 'true' || v === '1' || v === 'yes'));

const int = (fallback: number, min: number, max: number) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`)
    .default(fallback);

const envSchema = z.object({
  /** `production` turns introspection and stack traces off. Default `development`. */
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** Which parts this process runs: `all` (API and workers, the default), `api` or `worker`. */
  ROLE: z.enum(['all', 'api', 'worker']).default('all'),
  /** HTTP port of the API (GraphQL, webhooks, dashboard). Default 4000. */
  PORT: int(4000, 0, 65535),
  /** Interface the API listens on. Default 0.0.0.0. */
  HOST: z.string().min(1).default('0.0.0.0'),
  /** Base URL at which providers reach our webhooks. Default http://127.0.0.1:PORT. */
  PUBLIC_URL: z.url('must be an absolute URL').optional(),
  /**
   * Which proxies in front of the API to believe about the client's address (X-Forwarded-For),
   * for the per-IP login and sign-up limits and the logs: a number of hops (e.g. `1` behind one
   * load balancer), or a comma-separated list of addresses, CIDR ranges and the names
   * `loopback`, `linklocal`, `uniquelocal`. Unset: none (the socket's peer is the client).
   * Express's `trust proxy` setting, applied to HTTP and to both WebSocket protocols.
   */
  TRUST_PROXY: z
    .string()
    .trim()
    .transform((v, ctx): number | string[] => {
      if (/^\d+$/.test(v)) return Number(v);
      const entries = v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      try {
        proxyaddr.compile(entries);
      } catch (error) {
        ctx.addIssue({
          code: 'custom',
          message: `must be a hop count or a list of addresses/CIDRs (${(error as Error).message})`,
        });
        return z.NEVER;
      }
      return entries;
    })
    .optional(),
  /** MongoDB connection string. Unset: the embedded MongoDB-compatible server. */
  MONGODB_URI: z.string().startsWith('mongodb', 'must be a mongodb:// or mongodb+srv:// URI').optional(),
  /** Redis connection string. Unset: a `redis-server` child process on a free port. */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  /**
   * Redis Sentinel: a comma-separated host:port list of sentinels. Set with REDIS_SENTINEL_NAME
   * instead of REDIS_URL; every connection then asks the sentinels for the current primary.
   */
  REDIS_SENTINELS: z
    .string()
    .regex(
      /^\s*[^\s,:]+:\d{1,5}\s*(,\s*[^\s,:]+:\d{1,5}\s*)*$/,
      'must be a comma-separated list of host:port (e.g. s1:26379,s2:26379)',
    )
    .refine((v) => v.split(',').every((e) => Number(e.trim().split(':')[1]) <= 65535), 'ports must be at most 65535')
    .optional(),
  /** The primary's name as the sentinels know it (`sentinel monitor <name> …`). Required with REDIS_SENTINELS. */
  REDIS_SENTINEL_NAME: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ., _ and - only')
    .optional(),
  /**
   * Replicas that must acknowledge a call's lease (Redis WAIT) before the call is placed, so a
   * failover cannot lose it. Default 0 (no wait); 1 with Sentinel and one replica. See docs/OPERATIONS.md.
   */
  REDIS_WAIT_REPLICAS: int(0, 0, 16),
  /** How long a lease may wait for those replicas before the call is not placed. Default 500 ms. */
  REDIS_WAIT_TIMEOUT_MS: int(500, 10, 60_000),
  /** Prefix for every Redis key and BullMQ queue, so environments can share a Redis. */
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only')
    .default('dialwave'),
  /** Start anyway when Redis's maxmemory-policy is not `noeviction` (loud warning). */
  REDIS_ALLOW_EVICTION: bool(false),
  /**
   * HMAC secret for JWTs and webhook tokens, at least 32 characters. Required outside embedded
   * mode (every API and worker must share it); unset in embedded mode: random per process.
   */
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  JWT_ISSUER: z.string().min(1).default('dialwave'),
  JWT_AUDIENCE: z.string().min(1).default('dialwave-api'),
  /** Token lifetime in seconds. Default 12 hours. */
  JWT_TTL_SECONDS: int(12 * 3600, 60, 30 * 24 * 3600),
  /** 32-byte key (64 hex characters) encrypting provider credentials at rest. */
  ENCRYPTION_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hexadecimal characters (32 bytes)')
    .optional(),
  /** Whether `signUp` is open. Default true. */
  ALLOW_SIGNUP: bool(true),
  /** Seed an organization, admin, agent, phone and a 200-contact campaign. Default: on in embedded mode. */
  DEMO_DATA: bool(true),
  /** ISO country for numbers written without a country code, when an organization has none. */
  DEFAULT_COUNTRY: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be a two-letter ISO country code')
    .default('US'),
  /** ROLE=worker only: serve /healthz, /readyz and /metrics on this port. Unset: a worker serves no HTTP. */
  METRICS_PORT: z.coerce
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(0, 'must be at least 0')
    .max(65535, 'must be at most 65535')
    .optional(),
  /** How long a SIGTERM'd process may take to hand its work over before it exits anyway. Default 30000 ms. */
  SHUTDOWN_TIMEOUT_MS: int(30_000, 1_000, 600_000),
  /** Jobs one worker process runs at once (virtual phone lines it can hold). Default 500. */
  WORKER_CONCURRENCY: int(500, 1, 10000),
  /** Global cap on live outbound calls across every campaign and worker. Default 1000. */
  MAX_CONCURRENT_OUTBOUND_CALLS: int(1000, 1, 100000),
  /** Longest a call may last before its lease expires and it is closed as FAILED. Default 3600 s. */
  MAX_CALL_DURATION_SECONDS: int(3600, 1, 24 * 3600),
  /** Operations one WebSocket may run at once (subscriptions, and queries while they run). Default 100. */
  WS_MAX_SUBSCRIPTIONS_PER_SOCKET: int(100, 1, 100_000),
  /** Operations one organization's WebSockets may run at once, per API process. Default 1000. */
  WS_MAX_SUBSCRIPTIONS_PER_ORGANIZATION: int(1000, 1, 1_000_000),
  /** Bytes queued for one WebSocket that the client has not read; past it the socket is closed with 1013. Default 4 MiB. */
  WS_MAX_BUFFERED_BYTES: int(4 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
  /** How long one message to a WebSocket may wait to reach the network before the socket is closed with 1013. Default 10000 ms. */
  WS_MAX_STALL_MS: int(10_000, 100, 600_000),
  /** Failed logins of one account (by email) per 15 minutes before RATE_LIMITED; a success clears them. Default 10. */
  LOGIN_FAILURES_PER_ACCOUNT: int(10, 1, 10_000),
  /** Failed logins from one client IP per hour, whatever the account, before RATE_LIMITED. Default 100. */
  LOGIN_FAILURES_PER_IP: int(100, 1, 1_000_000),
  /** Sign-ups from one client IP per hour before RATE_LIMITED. Default 20. */
  SIGNUPS_PER_IP: int(20, 1, 1_000_000),
  /**
   * A live call that has had no webhook for this long is looked up with its provider (lost
   * webhooks would otherwise hold its line until MAX_CALL_DURATION_SECONDS). Default 60 s.
   */
  CALL_RECONCILE_SECONDS: int(60, 1, 24 * 3600),
  /** BullMQ lock of a dispatch job; a dead worker's slots are re-run after it lapses. Default 30000 ms. */
  DISPATCH_LOCK_MS: int(30_000, 200, 600_000),
  /** How often workers look for dispatch jobs whose lock lapsed (stalled). Default 30000 ms. */
  DISPATCH_STALLED_INTERVAL_MS: int(30_000, 100, 600_000),
  /** Largest CSV an import job stores, in bytes. Default 512 MiB (a million rows take 50–100 MB). */
  IMPORT_MAX_BYTES: int(512 * 1024 * 1024, 1024, 16 * 1024 * 1024 * 1024),
  /** Import jobs one worker process runs at once. Default 1: an import keeps a core busy. */
  IMPORT_CONCURRENCY: int(1, 1, 64),
  /** BullMQ lock of an import job; a dead worker's import is resumed after it lapses. Default 30000 ms. */
  IMPORT_LOCK_MS: int(30_000, 200, 600_000),
  /** How often workers look for import jobs whose lock lapsed. Default 30000 ms. */
  IMPORT_STALLED_INTERVAL_MS: int(30_000, 100, 600_000),
  /** How often a worker sweeps calls and leases whose holder died. Default 15000 ms. */
  DISPATCH_SWEEP_INTERVAL_MS: int(15_000, 100, 3_600_000),
  /** How long a place-call request to a provider may take before it counts as ambiguous. Default 15000 ms. */
  PLACE_CALL_TIMEOUT_MS: int(15_000, 50, 120_000),
  /**
   * Dials (claim to the provider's answer to place-call) one worker process runs at once; more
   * wait their turn, so thousands of lines starting together do not become thousands of requests
   * at once (permits.ts). Default 128.
   */
  DISPATCH_DIALS_IN_FLIGHT: int(128, 1, 100_000),
  /** Base URL of the simulated provider's API (mounted on the API at /simulator). Default: this process's API, else PUBLIC_URL. */
  SIMULATOR_URL: z.url('must be an absolute URL').optional(),
  /** Calls the API's simulator keeps in its ledger (look-ups, recordings); the oldest go first. Default 100,000. */
  SIMULATOR_LEDGER_LIMIT: int(100_000, 1, 100_000_000),
  TWILIO_ACCOUNT_SID: z.string().optional(),
  TWILIO_AUTH_TOKEN: z.string().optional(),
  /** Twilio REST base URL; tests point it at a local server. */
  TWILIO_API_BASE: z.url().default('https://api.twilio.com'),
  EXOTEL_SID: z.string().optional(),
  EXOTEL_API_KEY: z.string().optional(),
  EXOTEL_API_TOKEN: z.string().optional(),
  /** Exotel REST base URL (region); tests point it at a local server. */
  EXOTEL_API_BASE: z.url().default('https://api.exotel.com'),
  /** Vapi API key (a phone's own `credentials.apiKey` wins). */
  VAPI_API_KEY: z.string().optional(),
  /** Vapi REST base URL; tests point it at a local server. */
  VAPI_API_BASE: z.url().default('https://api.vapi.ai'),
  /** The token of the Vapi credential (header X-Vapi-Secret) that signs server messages to /webhooks/vapi. */
  VAPI_WEBHOOK_SECRET: z.string().optional(),
  /** Retell API key (a phone's own `credentials.apiKey` wins); the key with the webhook badge also signs webhooks. */
  RETELL_API_KEY: z.string().optional(),
  /** Retell REST base URL; tests point it at a local server. */
  RETELL_API_BASE: z.url().default('https://api.retellai.com'),
  /** ElevenLabs API key (a phone's own `credentials.apiKey` wins). */
  ELEVENLABS_API_KEY: z.string().optional(),
  /** ElevenLabs REST base URL; tests point it at a local server. */
  ELEVENLABS_API_BASE: z.url().default('https://api.elevenlabs.io'),
  /** The HMAC secret of the workspace's post-call webhook (ElevenLabs-Signature). */
  ELEVENLABS_WEBHOOK_SECRET: z.string().optional(),
  /** IANA zone of the zone-less times in Exotel's callbacks (DateUpdated). Default Asia/Kolkata. */
  EXOTEL_TIME_ZONE: z
    .string()
    .refine((zone) => IANAZone.isValidZone(zone), 'must be an IANA time zone, like Asia/Kolkata')
    .default('Asia/Kolkata'),
  /** Exotel records each call (Record=true) and its RecordingUrl comes back on the Call. Default true. */
  EXOTEL_RECORD: bool(true),
  /**
   * Outgoing webhooks: the waits before each retry, in ms, comma-separated. Default the Standard
   * Webhooks / Svix schedule after the immediate attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h
   * (about 27.6 hours in all); after the last, the delivery is marked failed.
   */
  WEBHOOK_RETRY_SCHEDULE_MS: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'must be a comma-separated list of milliseconds')
    .default('5000,300000,1800000,7200000,18000000,36000000,36000000'),
  /** How long a receiver may take to answer one delivery attempt. Default 15000 ms. */
  WEBHOOK_TIMEOUT_MS: int(15_000, 100, 120_000),
  /** An endpoint failing every attempt for this long is disabled. Default 3 days. */
  WEBHOOK_DISABLE_AFTER_MS: int(3 * 24 * 3600_000, 1, 30 * 24 * 3600_000),
  /** Let webhook URLs point at loopback addresses (tests, local receivers). Private and link-local ranges stay refused. Default false. */
  WEBHOOK_ALLOW_LOOPBACK: bool(false),
  /** pino level: fatal, error, warn, info, debug, trace, silent. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
});

export type Env = z.input<typeof envSchema>;

export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  role: 'all' | 'api' | 'worker';
  port: number;
  host: string;
  publicUrl: string | undefined;
  /** TRUST_PROXY: hops or addresses/ranges whose X-Forwarded-For is believed; null: none. */
  trustProxy: number | string[] | null;
  /** Embedded mode: no MONGODB_URI and no REDIS_URL. */
  embedded: boolean;
  mongodbUri: string | undefined;
  /**
   * REDIS_URL, or with REDIS_SENTINELS a `redis+sentinel://h1:p1,h2:p2/<name>` descriptor:
   * `createRedis` (redis.ts) understands both, so every connection goes through Sentinel.
   */
  redisUrl: string | undefined;
  redisPrefix: string;
  /** REDIS_WAIT_REPLICAS and REDIS_WAIT_TIMEOUT_MS: see Leases' LeaseDurability. */
  redisWait: { replicas: number; timeoutMs: number };
  redisAllowEviction: boolean;
  jwt: { secret: Uint8Array; issuer: string; audience: string; ttlSeconds: number };
  encryptionKey: Buffer;
  allowSignup: boolean;
  demoData: boolean;
  defaultCountry: string;
  workerConcurrency: number;
  /** ROLE=worker: port of its /healthz, /readyz and /metrics listener; undefined: none. */
  metricsPort: number | undefined;
  /** Bound on a graceful shutdown (main.ts), ms. */
  shutdownTimeoutMs: number;
  maxConcurrentOutboundCalls: number;
  maxCallDurationSeconds: number;
  /** WebSocket bounds (live/ws.server.ts; WS_MAX_*). */
  ws: {
    maxSubscriptionsPerSocket: number;
    maxSubscriptionsPerOrganization: number;
    maxBufferedBytes: number;
    maxStallMs: number;
  };
  /** Login and sign-up throttling (users/login.limiter.ts). */
  authLimits: { loginFailuresPerAccount: number; loginFailuresPerIp: number; signUpsPerIp: number };
  /** Silence after which a live call is looked up with its provider (CALL_RECONCILE_SECONDS). */
  callReconcileSeconds: number;
  /** Dispatch timings (see DISPATCH_* and PLACE_CALL_TIMEOUT_MS). */
  dispatch: {
    lockMs: number;
    stalledIntervalMs: number;
    sweepIntervalMs: number;
    placeCallTimeoutMs: number;
    /** DISPATCH_DIALS_IN_FLIGHT. */
    dialsInFlight: number;
  };
  simulatorUrl: string | undefined;
  /** SIMULATOR_LEDGER_LIMIT. */
  simulatorLedgerLimit: number;
  twilio: { accountSid?: string; authToken?: string; apiBase: string };
  exotel: { sid?: string; apiKey?: string; apiToken?: string; apiBase: string; timeZone: string; record: boolean };
  vapi: { apiKey?: string; apiBase: string; webhookSecret?: string };
  retell: { apiKey?: string; apiBase: string };
  elevenlabs: { apiKey?: string; apiBase: string; webhookSecret?: string };
  /** Import jobs (see IMPORT_*). */
  imports: { maxBytes: number; concurrency: number; lockMs: number; stalledIntervalMs: number };
  /** Outgoing webhooks (see WEBHOOK_*). */
  webhooks: { retryScheduleMs: number[]; timeoutMs: number; disableAfterMs: number; allowLoopback: boolean };
  logLevel: string | undefined;
}

/** The descriptor `createRedis` turns into an ioredis Sentinel connection. */
function sentinelUrl(sentinels: string, name: string): string {
  const list = sentinels
    .split(',')
    .map((s) => s.trim())
    .join(',');
  return `redis+sentinel://${list}/${name}`;
}

/** A configuration error: the message names every bad variable and its rule. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The variables `config.ts` understands (checked by the compose-file test). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(envSchema.shape);

/**
 * The environment with a `.env` file's variables added beneath it: a variable set in the
 * environment wins over the file, as with `node --env-file` and dotenv. A missing file adds
 * nothing. Parsed with Node's own `.env` parser (`util.parseEnv`, the one behind
 * `process.loadEnvFile`: https://nodejs.org/api/util.html#utilparseenvcontent); not
 * `process.loadEnvFile` itself, whose docs do not say which side wins (nodejs/node#63027:
 * the environment does).
 */
export function withEnvFile(
  env: Record<string, string | undefined> = process.env,
  file = '.env',
): Record<string, string | undefined> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return env;
    throw new ConfigError(`Could not read ${file}: ${(error as Error).message}`);
  }
  const merged: Record<string, string | undefined> = { ...parseEnv(text) };
  for (const [key, value] of Object.entries(env)) if (value !== undefined) merged[key] = value;
  return merged;
}

/**
 * Parses and validates an environment. Throws `ConfigError` naming each bad variable.
 * @param env defaults to `process.env`
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings count as unset: `FOO=` in a .env file means "use the default".
  const cleaned: Record<string, string> = {};
  for (const key of CONFIG_VARIABLES) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') cleaned[key] = value.trim();
  }
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const sentinelProblem =
    e.REDIS_SENTINELS !== undefined && e.REDIS_URL !== undefined
      ? 'REDIS_SENTINELS: set either REDIS_URL or REDIS_SENTINELS, not both'
      : (e.REDIS_SENTINELS === undefined) !== (e.REDIS_SENTINEL_NAME === undefined)
        ? e.REDIS_SENTINELS === undefined
          ? 'REDIS_SENTINELS: required when REDIS_SENTINEL_NAME is set'
          : 'REDIS_SENTINEL_NAME: required when REDIS_SENTINELS is set'
        : null;
  if (sentinelProblem) throw new ConfigError(`Invalid configuration:\n  ${sentinelProblem}`);
  const redisUrl =
    e.REDIS_SENTINELS !== undefined && e.REDIS_SENTINEL_NAME !== undefined
      ? sentinelUrl(e.REDIS_SENTINELS, e.REDIS_SENTINEL_NAME)
      : e.REDIS_URL;
  const embedded = e.MONGODB_URI === undefined && redisUrl === undefined;
  const production = e.NODE_ENV === 'production';
  // A per-process random secret splits a deployment: a worker's webhook tokens and an API's
  // JWTs would be refused by every other process, and credentials one process encrypted could
  // not be read by another. Only embedded mode is one process.
  if (!embedded) {
    const missing = (['JWT_SECRET', 'ENCRYPTION_KEY'] as const).filter((k) => e[k] === undefined);
    if (missing.length > 0) {
      const why = production
        ? 'required when NODE_ENV=production'
        : 'required outside embedded mode (MONGODB_URI or REDIS_URL is set): every API and worker process must share it';
      throw new ConfigError(
        `Invalid configuration:\n${missing.map((k) => `  ${k}: ${why}; generate one with \`openssl rand -hex 32\``).join('\n')}`,
      );
    }
  }
  if (e.ROLE !== 'all' && embedded) {
    throw new ConfigError(
      `Invalid configuration:\n  ROLE: ${e.ROLE} needs a shared MONGODB_URI and REDIS_URL or REDIS_SENTINELS (embedded mode runs everything in one process)`,
    );
  }
  return {
    nodeEnv: e.NODE_ENV,
    role: e.ROLE,
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL,
    trustProxy: e.TRUST_PROXY ?? null,
    embedded,
    mongodbUri: e.MONGODB_URI,
    redisUrl,
    redisPrefix: e.REDIS_PREFIX,
    redisWait: { replicas: e.REDIS_WAIT_REPLICAS, timeoutMs: e.REDIS_WAIT_TIMEOUT_MS },
    redisAllowEviction: e.REDIS_ALLOW_EVICTION,
    jwt: {
      // Embedded data lives as long as the process, so a per-process secret loses nothing.
      secret: new TextEncoder().encode(e.JWT_SECRET ?? randomBytes(32).toString('hex')),
      issuer: e.JWT_ISSUER,
      audience: e.JWT_AUDIENCE,
      ttlSeconds: e.JWT_TTL_SECONDS,
    },
    encryptionKey: e.ENCRYPTION_KEY ? Buffer.from(e.ENCRYPTION_KEY, 'hex') : randomBytes(32),
    allowSignup: e.ALLOW_SIGNUP,
    demoData: embedded && e.DEMO_DATA,
    defaultCountry: e.DEFAULT_COUNTRY,
    workerConcurrency: e.WORKER_CONCURRENCY,
    metricsPort: e.METRICS_PORT,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    maxConcurrentOutboundCalls: e.MAX_CONCURRENT_OUTBOUND_CALLS,
    maxCallDurationSeconds: e.MAX_CALL_DURATION_SECONDS,
    callReconcileSeconds: e.CALL_RECONCILE_SECONDS,
    ws: {
      maxSubscriptionsPerSocket: e.WS_MAX_SUBSCRIPTIONS_PER_SOCKET,
      maxSubscriptionsPerOrganization: e.WS_MAX_SUBSCRIPTIONS_PER_ORGANIZATION,
      maxBufferedBytes: e.WS_MAX_BUFFERED_BYTES,
      maxStallMs: e.WS_MAX_STALL_MS,
    },
    authLimits: {
      loginFailuresPerAccount: e.LOGIN_FAILURES_PER_ACCOUNT,
      loginFailuresPerIp: e.LOGIN_FAILURES_PER_IP,
      signUpsPerIp: e.SIGNUPS_PER_IP,
    },
    imports: {
      maxBytes: e.IMPORT_MAX_BYTES,
      concurrency: e.IMPORT_CONCURRENCY,
      lockMs: e.IMPORT_LOCK_MS,
      stalledIntervalMs: e.IMPORT_STALLED_INTERVAL_MS,
    },
    dispatch: {
      lockMs: e.DISPATCH_LOCK_MS,
      stalledIntervalMs: e.DISPATCH_STALLED_INTERVAL_MS,
      sweepIntervalMs: e.DISPATCH_SWEEP_INTERVAL_MS,
      placeCallTimeoutMs: e.PLACE_CALL_TIMEOUT_MS,
      dialsInFlight: e.DISPATCH_DIALS_IN_FLIGHT,
    },
    simulatorUrl: e.SIMULATOR_URL,
    simulatorLedgerLimit: e.SIMULATOR_LEDGER_LIMIT,
    twilio: { accountSid: e.TWILIO_ACCOUNT_SID, authToken: e.TWILIO_AUTH_TOKEN, apiBase: e.TWILIO_API_BASE },
    exotel: {
      sid: e.EXOTEL_SID,
      apiKey: e.EXOTEL_API_KEY,
      apiToken: e.EXOTEL_API_TOKEN,
      apiBase: e.EXOTEL_API_BASE,
      timeZone: e.EXOTEL_TIME_ZONE,
      record: e.EXOTEL_RECORD,
    },
    vapi: { apiKey: e.VAPI_API_KEY, apiBase: e.VAPI_API_BASE, webhookSecret: e.VAPI_WEBHOOK_SECRET },
    retell: { apiKey: e.RETELL_API_KEY, apiBase: e.RETELL_API_BASE },
    elevenlabs: {
      apiKey: e.ELEVENLABS_API_KEY,
      apiBase: e.ELEVENLABS_API_BASE,
      webhookSecret: e.ELEVENLABS_WEBHOOK_SECRET,
    },
    webhooks: {
      retryScheduleMs: e.WEBHOOK_RETRY_SCHEDULE_MS.split(',').map(Number),
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      disableAfterMs: e.WEBHOOK_DISABLE_AFTER_MS,
      allowLoopback: e.WEBHOOK_ALLOW_LOOPBACK,
    },
    logLevel: e.LOG_LEVEL,
  };
}
