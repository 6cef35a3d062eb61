import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { CONFIG_VARIABLES, loadConfig } from './config';

/**
 * No Docker engine runs where we build, so the compose file and Dockerfile are checked for
 * shape here: what `docker compose up` needs to be right without running it.
 */
const root = path.resolve(__dirname, '../..');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  env_file?: string;
  healthcheck?: { test: string[] };
  stop_grace_period?: string;
  depends_on?: Record<string, { condition: string }>;
}

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8')) as {
    services: Record<string, Service>;
  };
  const { services } = compose;

  it('runs MongoDB 7, Redis 7, the API and the workers', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'mongo', 'redis', 'worker']);
    expect(services['mongo']!.image).toBe('mongo:7');
    expect(services['redis']!.image).toBe('redis:7');
    expect(services['api']!.build).toBeDefined();
    expect(services['worker']!.build).toBeDefined();
    expect(services['api']!.environment!['ROLE']).toBe('api');
    expect(services['worker']!.environment!['ROLE']).toBe('worker');
  });

  it('starts Redis without eviction and with AOF', () => {
    const command = services['redis']!.command!.join(' ');
    expect(command).toMatch(/--maxmemory-policy noeviction/);
    expect(command).toMatch(/--appendonly yes/);
  });

  it('has healthchecks and waits on them', () => {
    for (const name of ['mongo', 'redis', 'api', 'worker']) {
      expect(services[name]!.healthcheck?.test.length).toBeGreaterThan(0);
    }
    // The worker's healthcheck asks its METRICS_PORT listener, which only exists when set.
    const workerPort = services['worker']!.environment!['METRICS_PORT'];
    expect(services['worker']!.healthcheck!.test.join(' ')).toContain(`127.0.0.1:${workerPort}/healthz`);
    for (const name of ['api', 'worker']) {
      expect(services[name]!.depends_on!['mongo']!.condition).toBe('service_healthy');
      expect(services[name]!.depends_on!['redis']!.condition).toBe('service_healthy');
    }
  });

  it('starts the worker once the API is ready (its healthcheck asks /readyz), not merely alive', () => {
    expect(services['api']!.healthcheck!.test.join(' ')).toContain('127.0.0.1:4000/readyz');
    expect(services['worker']!.depends_on!['api']!.condition).toBe('service_healthy');
  });

  it('gives a graceful shutdown more time than SHUTDOWN_TIMEOUT_MS before SIGKILL', () => {
    const shutdownMs = loadConfig({}).shutdownTimeoutMs;
    for (const name of ['api', 'worker']) {
      const grace = /^(\d+)s$/.exec(services[name]!.stop_grace_period ?? '');
      expect(Number(grace?.[1] ?? 0) * 1000).toBeGreaterThan(shutdownMs);
    }
  });

  it('sets only variables config.ts knows', () => {
    for (const name of ['api', 'worker']) {
      const unknown = Object.keys(services[name]!.environment ?? {}).filter((v) => !CONFIG_VARIABLES.includes(v));
      expect(unknown).toEqual([]);
    }
  });

  it('builds from a Dockerfile that runs as non-root and starts the server', () => {
    const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/--omit=dev/);
    expect(dockerfile).toMatch(/CMD \["node", "--max-semi-space-size=64", "server\/dist\/main.js"\]/);
    // Both stages on one Node LTS line (even major) that package.json's engines admits.
    const majors = [...dockerfile.matchAll(/^FROM node:(\d+)-/gm)].map((m) => Number(m[1]));
    expect(majors.length).toBe(2);
    expect(new Set(majors).size).toBe(1);
    expect(majors[0]! % 2).toBe(0);
    expect(majors[0]!).toBeGreaterThanOrEqual(24);
    const engines = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { engines: { node: string } })
      .engines.node;
    const minimum = /^>=(\d+)/.exec(engines);
    expect(minimum).not.toBeNull();
    expect(majors[0]!).toBeGreaterThanOrEqual(Number(minimum![1]));
    // Every path the image copies exists in the repository.
    for (const match of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
      for (const source of match[1]!.split(' ')) expect(existsSync(path.join(root, source))).toBe(true);
    }
  });
});
