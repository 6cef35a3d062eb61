import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  buildSchema as buildSdl,
  findBreakingChanges,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  lexicographicSortSchema,
  printSchema,
} from 'graphql';
import type { GraphQLSchema } from 'graphql';
import { buildAppSchema, SCHEMA_FILE } from './schema';

/**
 * `npm run schema:check`: fails when the committed schema.graphql is stale (differs from what
 * the resolvers generate) or breaks ../shared/contract.graphql (or docs/contract.graphql).
 * `--write` regenerates the file instead of failing on staleness.
 */
/**
 * Differences that findBreakingChanges allows but the contract forbids ("unchanged": same
 * field and argument types, same nullability), e.g. an output field made non-null.
 */
export function contractDifferences(contract: GraphQLSchema, have: GraphQLSchema): string[] {
  const out: string[] = [];
  for (const type of Object.values(contract.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    const mine = have.getType(type.name);
    if (!mine) {
      out.push(`type ${type.name} is missing`);
      continue;
    }
    if ((isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) && 'getFields' in mine) {
      const myFields = mine.getFields() as Record<
        string,
        { type: unknown; args?: readonly { name: string; type: unknown }[] }
      >;
      for (const field of Object.values(type.getFields())) {
        const m = myFields[field.name];
        if (!m) {
          out.push(`${type.name}.${field.name} is missing`);
          continue;
        }
        if (String(m.type) !== String(field.type))
          out.push(`${type.name}.${field.name} is ${String(m.type)}, contract says ${String(field.type)}`);
        if ('args' in field) {
          for (const arg of field.args) {
            const a = m.args?.find((x) => x.name === arg.name);
            if (!a) out.push(`${type.name}.${field.name}(${arg.name}) is missing`);
            else if (String(a.type) !== String(arg.type))
              out.push(
                `${type.name}.${field.name}(${arg.name}) is ${String(a.type)}, contract says ${String(arg.type)}`,
              );
          }
        }
      }
    }
    if (isEnumType(type) && isEnumType(mine)) {
      for (const v of type.getValues()) if (!mine.getValue(v.name)) out.push(`${type.name}.${v.name} is missing`);
    }
  }
  return out;
}

async function main(): Promise<void> {
  const write = process.argv.includes('--write');
  const generated = printSchema(lexicographicSortSchema(await buildAppSchema())) + '\n';
  const header = '# Generated from the type-graphql resolvers: `npm run schema:emit -w server`. Do not edit.\n\n';
  const wanted = header + generated;
  const problems: string[] = [];
  if (write) writeFileSync(SCHEMA_FILE, wanted);
  else {
    let committed = '';
    try {
      committed = readFileSync(SCHEMA_FILE, 'utf8');
    } catch {
      problems.push(`${SCHEMA_FILE} is missing`);
    }
    if (committed && committed !== wanted)
      problems.push('schema.graphql is stale: run `npm run schema:emit -w server` and commit it');
  }
  const contractFile = path.resolve(__dirname, '../../../docs/contract.graphql');
  const contract = buildSdl(readFileSync(contractFile, 'utf8'));
  const have = buildSdl(wanted);
  for (const change of findBreakingChanges(contract, have)) problems.push(`breaks the contract: ${change.description}`);
  for (const difference of contractDifferences(contract, have))
    problems.push(`differs from the contract: ${difference}`);
  if (problems.length > 0) {
    process.stderr.write(`schema check failed:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
    process.exit(1);
  }
  process.stdout.write(
    `schema.graphql is current and holds the whole contract (${path.relative(process.cwd(), contractFile)})\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`schema check crashed: ${String(error instanceof Error ? error.stack : error)}\n`);
  process.exit(1);
});
