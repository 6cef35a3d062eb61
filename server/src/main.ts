import 'reflect-metadata';
import { ConfigError, loadConfig } from './config';
import type { Config } from './config';
import { logger } from './logger';
import { startRedisServer } from './redis';
import { startApp } from './app';
import type { AppHandle } from './app';
import { startEmbeddedMongo } from './mongo/embedded';
import { seedDemoData } from './demo/demo.seed';

/**
 * `npm start`. Embedded mode (no MONGODB_URI, no REDIS_URL): an in-process MongoDB-compatible
 * server, a redis-server child and demo data. Otherwise it connects to the given servers.
 * Ctrl-C (SIGINT) or SIGTERM stops everything it started, in order.
 */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }

  const cleanups: (() => Promise<void>)[] = [];
  let app: AppHandle | null = null;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
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
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  let mongoUri = config.mongodbUri;
  let redisUrl = config.redisUrl;
  if (!mongoUri) {
    const mongo = await startEmbeddedMongo({ port: 0 });
    cleanups.push(() => mongo.stop());
    mongoUri = `${mongo.uri}/dialwave`;
    logger.info({ uri: mongo.uri }, 'embedded MongoDB-compatible server started (data lives as long as this process)');
  }
  if (!redisUrl) {
    const redis = await startRedisServer();
    cleanups.push(() => redis.stop());
    redisUrl = redis.url;
    logger.info({ url: redis.url }, 'redis-server child started');
  }
  if (stopping) return;

  app = await startApp({ config, mongoUri, redisUrl });
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
