import { ApolloServer } from '@apollo/server';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { Server } from 'node:http';
import type { Config } from '../config';
import { AppError, toGraphQLError } from '../errors';
import type { RequestContext } from '../context';
import { logger } from '../logger';
import { graphqlOperationObserved } from '../metrics';
import { operationLimitsPlugin, PARSE_OPTIONS } from '../schema/limits';

/**
 * Masks everything that is not a client error: the client sees "Internal server error"
 * and the log gets the real error with its stack. AppErrors thrown by services are
 * translated here, so services never import GraphQL.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof AppError) {
    const gql = toGraphQLError(original);
    return { ...formatted, message: gql.message, extensions: gql.extensions };
  }
  const code = formatted.extensions?.['code'];
  // Apollo's and graphql-js's own client errors (syntax, validation, variable coercion) and
  // GraphQLErrors thrown on purpose carry a code: they keep their message, never a stack.
  if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') {
    const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  logger.error({ err: original, path: formatted.path }, 'unexpected error in a GraphQL operation');
  return {
    message: 'Internal server error',
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}

/**
 * RED metrics per operation name (rate, errors, duration) for GraphQL over HTTP: timed from
 * `requestDidStart` to `willSendResponse`, errors read from the response body Apollo is about
 * to send (https://www.apollographql.com/docs/apollo-server/integrations/plugins: request
 * lifecycle events). Subscriptions over WebSocket are not requests and are not counted here.
 */
export function operationMetricsPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ operation, operationName, response }) {
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          const body = response.body;
          // An incremental (@defer) answer has no single error list here; we serve none.
          const errors = body.kind === 'single' ? body.singleResult.errors : undefined;
          const first = errors?.[0]?.extensions?.['code'];
          graphqlOperationObserved(
            operation ? { name: operationName ?? null, type: operation.operation } : null,
            seconds,
            errors && errors.length > 0 ? (typeof first === 'string' ? first : 'OTHER') : null,
          );
        },
      };
    },
  };
}

export function createApolloServer(
  config: Config,
  schema: GraphQLSchema,
  httpServer: Server,
  extraPlugins: ApolloServerPlugin<RequestContext>[] = [],
): ApolloServer<RequestContext> {
  const production = config.nodeEnv === 'production';
  return new ApolloServer<RequestContext>({
    schema,
    introspection: !production,
    // "Did you mean …?" in validation errors would name the fields introspection hides.
    // https://www.apollographql.com/docs/apollo-server/api/apollo-server (hideSchemaDetailsFromClientErrors)
    hideSchemaDetailsFromClientErrors: production,
    // A token budget before parsing (schema/limits.ts): a huge document is refused before it costs much.
    parseOptions: PARSE_OPTIONS,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    formatError,
    // Depth, cost and alias limits before execution (schema/limits.ts; the WebSocket path reuses them).
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      operationLimitsPlugin<RequestContext>(),
      operationMetricsPlugin<RequestContext>(),
      ...extraPlugins,
    ],
  });
}
