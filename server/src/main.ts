import 'reflect-metadata';
import { ConfigError, loadConfig, withEnvFile } from './config';
import type { Config } from './config';
import { logger } from './logger';
import { startRedisServer } from './redis';
import { startApp } from './app';
import type { AppHandle } from './app';
import { startEmbeddedMongoThread } from './mongo/embedded/thread';
import { seedDemoData } from './demo/demo.seed';
import { addThreadMetrics } from './metrics';
import { startWorkerThread } from './worker-thread';

/**
 * `npm start`. Reads `.env` (the environment wins), then: embedded mode (no MONGODB_URI, no REDIS_URL): an in-process MongoDB-compatible
 * server (on a thread of its own, `mongo/embedded/thread.ts`), a redis-server child and demo data. Otherwise it connects to the given servers.
 * Ctrl-C (SIGINT) or SIGTERM stops everything it started, in order.
 */
async function main(): Promise<void> {
  let config: Config;
  try {
    // `.env` in the working directory (the repository root under `npm start`), beneath the environment.
    config = loadConfig(withEnvFile());
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }

  const cleanups: (() => Promise<void>)[] = [];
  /** Synchronous last resorts for what we started outside this process (the redis-server child). */
  const killNow: (() => void)[] = [];
  // Whatever way this process ends (forced exit, crash), it never leaves a redis-server behind.
  process.once('exit', () => killNow.forEach((kill) => kill()));
  let app: AppHandle | null = null;
  let stoppingAt = 0;
  const forceExit = (reason: string) => {
    logger.warn({ reason }, 'exiting without finishing the shutdown');
    process.exit(1);
  };
  /**
   * SIGTERM / Ctrl-C: stop taking HTTP requests and jobs, close WebSockets (1012: reconnect
   * elsewhere), hand running slot jobs back to the queue (their live calls keep their leases;
   * another worker adopts them), close queues and connections, exit 0. A second signal, or
   * SHUTDOWN_TIMEOUT_MS passing, exits at once.
   */
  const shutdown = async (signal: string) => {
    if (stoppingAt > 0) {
      // One Ctrl-C can arrive twice (from the terminal and forwarded by npm): only a later one forces.
      if (Date.now() - stoppingAt > 500) forceExit(`second ${signal}`);
      return;
    }
    stoppingAt = Date.now();
    logger.info({ signal }, 'shutting down');
    setTimeout(
      () => forceExit(`shutdown took longer than ${config.shutdownTimeoutMs} ms`),
      config.shutdownTimeoutMs,
    ).unref();
    try {
      await app?.stop();
      for (const cleanup of cleanups.reverse()) await cleanup();
      logger.info('stopped');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  // A rejection nobody handled (seen once from ioredis when Redis closed its connections
  // mid-command) is a bug to find, not a reason to drop every live call of this process.
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled promise rejection');
  });
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  let mongoUri = config.mongodbUri;
  let redisUrl = config.redisUrl;
  if (!mongoUri) {
    const mongo = await startEmbeddedMongoThread({
      port: 0,
      // Its data went with it: nothing this process does from here on could be kept.
      onExit: (error) => {
        logger.fatal({ err: error }, 'the embedded MongoDB-compatible server stopped');
        process.exit(1);
      },
    });
    cleanups.push(() => mongo.stop());
    mongoUri = `${mongo.uri}/dialwave`;
    logger.info({ uri: mongo.uri }, 'embedded MongoDB-compatible server started (data lives as long as this process)');
  }
  if (!redisUrl) {
    const redis = await startRedisServer({ detached: true });
    cleanups.push(() => redis.stop());
    killNow.push(() => redis.killNow());
    redisUrl = redis.url;
    logger.info({ url: redis.url }, 'redis-server child started');
  }
  if (stoppingAt > 0) return;

  if (config.role === 'all') {
    // ROLE=all: the API here and the worker role on a thread of its own (worker-thread.ts), so
    // the two use two cores; stopped before the servers it needs (cleanups run in reverse).
    app = await startApp({ config: { ...config, role: 'api' }, mongoUri, redisUrl });
    const workers = await startWorkerThread({
      config,
      mongoUri,
      redisUrl,
      apiUrl: app.url,
      onExit: (error) => {
        logger.fatal({ err: error }, 'the worker thread stopped');
        process.exit(1);
      },
    });
    const removeMetrics = addThreadMetrics(() => workers.metrics());
    cleanups.push(async () => {
      removeMetrics();
      await workers.stop();
    });
  } else {
    app = await startApp({ config, mongoUri, redisUrl });
  }
  const demo = config.demoData ? await seedDemoData(app.services) : null;

  const lines = [
    '',
    '  Dialwave is running',
    `  mode:       ${config.embedded ? 'embedded (in-memory MongoDB, redis-server child, simulated calls)' : 'connected'}`,
    `  role:       ${config.role}`,
  ];
  if (app.url) {
    lines.push(`  dashboard:  ${app.url}/`, `  GraphQL:    ${app.url}/graphql`, `  GraphiQL:   ${app.url}/graphiql`);
  }
  if (demo) lines.push(`  demo login: ${demo.email} / ${demo.password}`);
  lines.push('  stop:       Ctrl-C', '');
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, 'failed to start');
  process.stderr.write(`Dialwave failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
