/**
 * `npm run bench -- [name...]` (`node dist/bench/index.js`): runs the named benches in order,
 * all of them when none is named. Benches print figures to stdout.
 */
type Bench = () => Promise<void>;

/** Bench name → module (relative to this file) and exported function. */
const BENCHES: Record<string, { module: string; fn: string }> = {
  import: { module: './import.bench', fn: 'runImportBench' },
  mongo: { module: './mongo.bench', fn: 'runMongoBench' },
  dispatch: { module: './dispatch.bench', fn: 'runDispatchBench' },
  live: { module: './live.bench', fn: 'runLiveBench' },
};

/** Loads a bench lazily: a bench whose file is not written yet must not break the others. */
function load(name: string): Bench | null {
  const entry = BENCHES[name];
  if (!entry) return null;
  let mod: Record<string, unknown>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional module, see above
    mod = require(entry.module) as Record<string, unknown>;
  } catch (error) {
    if ((error as { code?: string }).code === 'MODULE_NOT_FOUND' && String((error as Error).message).includes(entry.module.slice(2))) return null;
    throw error;
  }
  const fn = mod[entry.fn];
  return typeof fn === 'function' ? (fn as Bench) : null;
}

async function main(): Promise<void> {
  const names = process.argv.slice(2);
  const wanted = names.length > 0 ? names : Object.keys(BENCHES);
  let failed = false;
  for (const name of wanted) {
    if (!(name in BENCHES)) {
      process.stderr.write(`unknown bench "${name}": choose from ${Object.keys(BENCHES).join(', ')}\n`);
      failed = true;
      continue;
    }
    const bench = load(name);
    if (!bench) {
      process.stderr.write(`bench ${name} is not available (its module is not built yet)\n`);
      failed = names.length > 0;
      continue;
    }
    process.stdout.write(`== ${name}\n`);
    await bench();
  }
  process.exit(failed ? 1 : 0);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
