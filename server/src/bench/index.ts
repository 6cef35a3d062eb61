import { runDispatchBench } from './dispatch.bench';
import { runImportBench } from './import.bench';
import { runLiveBench } from './live.bench';
import { runMongoBench } from './mongo.bench';
import { logger } from '../logger';
import { machineLine } from './machine';

/**
 * `npm run bench -- [name...]` (`node dist/bench/index.js`): runs the named benches in order,
 * all of them when none is named. Benches print figures (and their baselines) to stdout, after
 * a line saying how fast the machine is at the moment (machine.ts).
 */
const BENCHES: Record<string, () => Promise<void>> = {
  mongo: runMongoBench,
  import: runImportBench,
  dispatch: runDispatchBench,
  live: runLiveBench,
};

async function main(): Promise<void> {
  // Benches print figures; the processes they run log only errors unless LOG_LEVEL says otherwise.
  logger.level = process.env['LOG_LEVEL'] ?? 'error';
  const names = process.argv.slice(2);
  const unknown = names.filter((n) => !(n in BENCHES));
  if (unknown.length > 0) {
    process.stderr.write(
      `unknown bench ${unknown.map((n) => `"${n}"`).join(', ')}: choose from ${Object.keys(BENCHES).join(', ')}\n`,
    );
    process.exit(2);
  }
  // First, how fast the machine is right now: the figures below move with it (machine.ts).
  process.stdout.write(`${await machineLine()}\n`);
  for (const name of names.length > 0 ? names : Object.keys(BENCHES)) {
    process.stdout.write(`== ${name}\n`);
    await BENCHES[name]!();
  }
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
