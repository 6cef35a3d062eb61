import 'reflect-metadata';
import path from 'node:path';
import { buildSchema } from 'type-graphql';
import { createPubSub } from '@graphql-yoga/subscription';
import type { GraphQLSchema } from 'graphql';
import { GraphQLDateTime, GraphQLJSONObject } from 'graphql-scalars';
import { resolvers } from './resolvers';

/** The committed SDL at the repository's top level. */
export const SCHEMA_FILE = path.resolve(__dirname, '../../../schema.graphql');

/**
 * Builds the executable schema. The contract calls the date scalar `DateTime`, so `Date`
 * maps to graphql-scalars' GraphQLDateTime instead of type-graphql's DateTimeISO.
 * @param options.emit write the SDL to `schema.graphql` (the `schema:emit` script does)
 */
export async function buildAppSchema(options: { emit?: boolean } = {}): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers,
    scalarsMap: [
      { type: Date, scalar: GraphQLDateTime },
      { type: Object, scalar: GraphQLJSONObject },
    ],
    validate: false,
    // Every @Subscription has its own `subscribe` (live/live.resolver.ts: the LiveHub's iterators),
    // so no topic is ever published here; type-graphql still refuses to build subscriptions
    // without a PubSub (MissingPubSubError, schema-generator's generateSubscriptionsFields), so
    // an in-process one with no Redis behind it is given.
    pubSub: createPubSub(),
    emitSchemaFile: options.emit ? { path: SCHEMA_FILE, sortedSchema: false } : false,
  });
}
