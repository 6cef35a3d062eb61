/**
 * `node dist/mongo/embedded/cli.js [--port 27017] [--host 127.0.0.1]`: serves the embedded
 * MongoDB-compatible server until SIGINT/SIGTERM. Prints one line with its URI so scripts can
 * wait for it.
 */
import { logger } from '../../logger';
import { startEmbeddedMongo } from './server';

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  const inline = args.find((a) => a.startsWith(`${name}=`));
  return inline?.slice(name.length + 1);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const portArg = argValue(args, '--port');
  const port = portArg === undefined ? 27017 : Number(portArg);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be an integer between 0 and 65535, got ${portArg}`);
  }
  const host = argValue(args, '--host') ?? '127.0.0.1';
  const mongo = await startEmbeddedMongo({ port, host });
  process.stdout.write(`embedded MongoDB listening on ${mongo.uri}\n`);
  const shutdown = (signal: string): void => {
    logger.info({ signal }, 'embedded mongo: stopping');
    mongo.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'embedded mongo: stop failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  logger.error({ err }, 'embedded mongo: failed to start');
  process.exitCode = 1;
});
