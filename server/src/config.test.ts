import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from './config';
import { parseSentinelUrl } from './redis';

describe('loadConfig', () => {
  it('defaults to embedded mode with no MONGODB_URI and no REDIS_URL', () => {
    const config = loadConfig({});
    expect(config.embedded).toBe(true);
    expect(config.port).toBe(4000);
    expect(config.role).toBe('all');
    expect(config.demoData).toBe(true);
  });

  it('is not embedded when either connection is given, and then seeds no demo data', () => {
    const config = loadConfig({ MONGODB_URI: 'mongodb://db:27017/x', REDIS_URL: 'redis://cache:6379' });
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
  ])('names the variable and the rule when %s=%s', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('requires secrets in production outside embedded mode', () => {
    expect(() =>
      loadConfig({ NODE_ENV: 'production', MONGODB_URI: 'mongodb://db/x', REDIS_URL: 'redis://cache' }),
    ).toThrow(/JWT_SECRET: required when NODE_ENV=production[\s\S]*ENCRYPTION_KEY/);
  });

  it('refuses a split role in embedded mode, where nothing is shared', () => {
    expect(() => loadConfig({ ROLE: 'worker' })).toThrow(/ROLE: worker needs a shared MONGODB_URI and REDIS_URL/);
  });

  it('builds a Sentinel descriptor from REDIS_SENTINELS and REDIS_SENTINEL_NAME, which createRedis reads back', () => {
    const config = loadConfig({
      MONGODB_URI: 'mongodb://db/x',
      REDIS_SENTINELS: 's1:26379, 10.0.0.2:26380',
      REDIS_SENTINEL_NAME: 'mymaster',
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
});
