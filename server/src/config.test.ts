import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CONFIG_VARIABLES, ConfigError, loadConfig, withEnvFile } from './config';
import { parseSentinelUrl } from './redis';

const SECRET = 'a-secret-of-at-least-32-characters-0123';

describe('loadConfig', () => {
  it('defaults to embedded mode with no MONGODB_URI and no REDIS_URL', () => {
    const config = loadConfig({});
    expect(config.embedded).toBe(true);
    expect(config.port).toBe(4000);
    expect(config.role).toBe('all');
    expect(config.demoData).toBe(true);
  });

  it('is not embedded when either connection is given, and then seeds no demo data', () => {
    const config = loadConfig({
      MONGODB_URI: 'mongodb://db:27017/x',
      REDIS_URL: 'redis://cache:6379',
      JWT_SECRET: SECRET,
      ENCRYPTION_KEY: '1'.repeat(64),
    });
    expect(config.embedded).toBe(false);
    expect(config.demoData).toBe(false);
  });

  it.each([
    ['PORT', 'eighty', /PORT: must be a number/],
    ['PORT', '70000', /PORT: must be at most 65535/],
    ['ROLE', 'cook', /ROLE/],
    ['MONGODB_URI', 'postgres://x', /MONGODB_URI: must be a mongodb/],
    ['JWT_SECRET', 'short', /JWT_SECRET: must be at least 32 characters/],
    ['ENCRYPTION_KEY', 'xyz', /ENCRYPTION_KEY: must be 64 hexadecimal characters/],
    ['ALLOW_SIGNUP', 'maybe', /ALLOW_SIGNUP: must be one of/],
    ['DEFAULT_COUNTRY', 'usa', /DEFAULT_COUNTRY/],
    ['EXOTEL_TIME_ZONE', 'India/Mumbai', /EXOTEL_TIME_ZONE: must be an IANA time zone/],
  ])('names the variable and the rule when %s=%s', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('requires secrets in production outside embedded mode', () => {
    expect(() =>
      loadConfig({ NODE_ENV: 'production', MONGODB_URI: 'mongodb://db/x', REDIS_URL: 'redis://cache' }),
    ).toThrow(/JWT_SECRET: required when NODE_ENV=production[\s\S]*ENCRYPTION_KEY/);
  });

  it('requires JWT_SECRET and ENCRYPTION_KEY outside embedded mode, in development too, and not in embedded mode', () => {
    const KEY = 'ab'.repeat(32);
    for (const env of [{ MONGODB_URI: 'mongodb://db/x' }, { REDIS_URL: 'redis://cache' }]) {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(/JWT_SECRET: required outside embedded mode/);
      expect(() => loadConfig({ ...env, JWT_SECRET: SECRET })).toThrow(
        /ENCRYPTION_KEY: required outside embedded mode/,
      );
      expect(() => loadConfig({ ...env, ENCRYPTION_KEY: KEY })).not.toThrow(/ENCRYPTION_KEY/);
      const config = loadConfig({ ...env, JWT_SECRET: SECRET, ENCRYPTION_KEY: KEY });
      expect(config.jwt.secret).toEqual(new TextEncoder().encode(SECRET));
      expect(config.encryptionKey.toString('hex')).toBe(KEY);
    }
    // Embedded: one process, so a random secret per process loses nothing.
    expect(loadConfig({}).jwt.secret.length).toBeGreaterThanOrEqual(32);
  });

  it('reads a .env file beneath the environment: the environment wins, a missing file adds nothing', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dialwave-env-'));
    try {
      const file = path.join(dir, '.env');
      writeFileSync(file, `# comment\nPORT=5000\nREDIS_PREFIX=fromfile\nJWT_SECRET="${SECRET}"\nHOST=\n`);
      const env = withEnvFile({ PORT: '6000', HOST: '127.0.0.1' }, file);
      expect(env).toMatchObject({ PORT: '6000', REDIS_PREFIX: 'fromfile', JWT_SECRET: SECRET, HOST: '127.0.0.1' });
      const config = loadConfig(env);
      expect([config.port, config.redisPrefix, config.host]).toEqual([6000, 'fromfile', '127.0.0.1']);
      expect(withEnvFile({ PORT: '1' }, path.join(dir, 'missing.env'))).toEqual({ PORT: '1' });
      // A directory where the file should be is an error naming the path, not a silent default.
      expect(() => withEnvFile({}, dir)).toThrow(ConfigError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a split role in embedded mode, where nothing is shared', () => {
    expect(() => loadConfig({ ROLE: 'worker' })).toThrow(/ROLE: worker needs a shared MONGODB_URI and REDIS_URL/);
  });

  it('builds a Sentinel descriptor from REDIS_SENTINELS and REDIS_SENTINEL_NAME, which createRedis reads back', () => {
    const config = loadConfig({
      MONGODB_URI: 'mongodb://db/x',
      REDIS_SENTINELS: 's1:26379, 10.0.0.2:26380',
      REDIS_SENTINEL_NAME: 'mymaster',
      JWT_SECRET: SECRET,
      ENCRYPTION_KEY: '1'.repeat(64),
    });
    expect(config.embedded).toBe(false);
    expect(config.redisUrl).toBe('redis+sentinel://s1:26379,10.0.0.2:26380/mymaster');
    expect(parseSentinelUrl(config.redisUrl!)).toEqual({
      sentinels: [
        { host: 's1', port: 26379 },
        { host: '10.0.0.2', port: 26380 },
      ],
      name: 'mymaster',
    });
    expect(parseSentinelUrl('redis://cache:6379')).toBeNull();
  });

  it.each([
    [{ REDIS_SENTINELS: 's1' }, /REDIS_SENTINELS: must be a comma-separated list of host:port/],
    [{ REDIS_SENTINELS: 's1:99999', REDIS_SENTINEL_NAME: 'm' }, /REDIS_SENTINELS: ports must be at most 65535/],
    [{ REDIS_SENTINELS: 's1:26379' }, /REDIS_SENTINEL_NAME: required when REDIS_SENTINELS is set/],
    [{ REDIS_SENTINEL_NAME: 'm' }, /REDIS_SENTINELS: required when REDIS_SENTINEL_NAME is set/],
    [{ REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_NAME: 'm', REDIS_URL: 'redis://x' }, /not both/],
    [{ REDIS_URL: 'redis+sentinel://s1:1/m' }, /REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/],
    [{ REDIS_WAIT_REPLICAS: '-1' }, /REDIS_WAIT_REPLICAS: must be at least 0/],
  ])('names the Redis variable and the rule for %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', JWT_SECRET: '  ' }).port).toBe(4000);
  });

  it('.env.example lists every variable', () => {
    const example = readFileSync(path.resolve(__dirname, '../../.env.example'), 'utf8');
    const listed = new Set([...example.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]));
    expect(CONFIG_VARIABLES.filter((v) => !listed.has(v))).toEqual([]);
  });
  it('reads TRUST_PROXY as hops or a list of addresses and ranges, and names it when it is neither', () => {
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toEqual(['loopback', '10.0.0.0/8']);
    expect(loadConfig({}).trustProxy).toBeNull();
    expect(() => loadConfig({ TRUST_PROXY: 'not-an-address' })).toThrow(/TRUST_PROXY: must be a hop count or a list/);
  });
});
