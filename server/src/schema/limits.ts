import { GraphQLError, Kind, getNullableType, isListType } from 'graphql';
import type {
  DocumentNode,
  FragmentDefinitionNode,
  GraphQLSchema,
  OperationDefinitionNode,
  SelectionSetNode,
  ValidationRule,
} from 'graphql';
import { getComplexity } from 'graphql-query-complexity';
import type { ComplexityEstimator } from 'graphql-query-complexity';
import type { ApolloServerPlugin } from '@apollo/server';

/**
 * Limits every operation must pass before it runs, on HTTP (an Apollo plugin) and on
 * WebSockets (validation rules for graphql-ws): a deep, wide or aliased query would
 * otherwise cost the server far more than it costs the client to send.
 */
export interface OperationLimits {
  /** Deepest field nesting (introspection fields not counted). Default 10. */
  maxDepth: number;
  /** Estimated cost: each field 1, a field with `first` costs `first` × its selection, other lists 10 ×. Default 5,000. */
  maxCost: number;
  /** Aliased fields in one operation. Default 30. */
  maxAliases: number;
  /** Fields visited while expanding fragments (guards against fragment fan-out). Default 20,000. */
  maxNodes: number;
}

export const DEFAULT_LIMITS: OperationLimits = { maxDepth: 10, maxCost: 5000, maxAliases: 30, maxNodes: 20_000 };

/** Assumed length of a list field without `first` (agents, phones…). */
const UNBOUNDED_LIST_SIZE = 10;

const limitError = (limit: 'depth' | 'cost' | 'aliases' | 'size', message: string, max: number, actual: number) =>
  new GraphQLError(message, {
    extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit, max, actual, http: { status: 400 } },
  });

/**
 * Cost of one field. A connection's `first` multiplies what is selected under it (`nodes`
 * inside the connection is then not multiplied again); introspection is free so tools work.
 */
const costEstimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  if (type.name.startsWith('__') || field.name.startsWith('__')) return 0;
  const first = args['first'];
  if (typeof first === 'number' && first > 0) return 1 + first * childComplexity;
  if (type.name.endsWith('Connection') && field.name === 'nodes') return 1 + childComplexity;
  if (isListType(getNullableType(field.type)) && childComplexity > 0) return 1 + UNBOUNDED_LIST_SIZE * childComplexity;
  return 1 + childComplexity;
};

/** Depth and alias count of an operation with its fragments expanded. */
function shape(
  operation: OperationDefinitionNode,
  fragments: Map<string, FragmentDefinitionNode>,
  limits: OperationLimits,
): { depth: number; aliases: number; nodes: number } {
  let aliases = 0;
  let nodes = 0;
  const walk = (set: SelectionSetNode, depth: number, path: ReadonlySet<string>): number => {
    let deepest = depth;
    for (const selection of set.selections) {
      // Stop early once any limit is passed: the answer is already "too big".
      if (nodes > limits.maxNodes || deepest > limits.maxDepth || aliases > limits.maxAliases) return deepest;
      if (selection.kind === Kind.FIELD) {
        nodes += 1;
        if (selection.name.value.startsWith('__')) continue;
        if (selection.alias) aliases += 1;
        const d = selection.selectionSet ? walk(selection.selectionSet, depth + 1, path) : depth + 1;
        deepest = Math.max(deepest, d);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        deepest = Math.max(deepest, walk(selection.selectionSet, depth, path));
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || path.has(name)) continue; // cycles are graphql-js's NoFragmentCycles error
        deepest = Math.max(deepest, walk(fragment.selectionSet, depth, new Set([...path, name])));
      }
    }
    return deepest;
  };
  const depth = walk(operation.selectionSet, 0, new Set());
  return { depth, aliases, nodes };
}

/**
 * Checks one operation of a document (the named one, or the only one) against the limits.
 * @returns errors with code GRAPHQL_VALIDATION_FAILED naming the limit (empty when within)
 */
export function checkOperationLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables?: Record<string, unknown> | null,
  operationName?: string | null,
  limits: OperationLimits = DEFAULT_LIMITS,
): GraphQLError[] {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const operation = operationName
    ? operations.find((o) => o.name?.value === operationName)
    : operations.length === 1
      ? operations[0]
      : undefined;
  if (!operation) return []; // graphql-js reports a missing or ambiguous operation itself
  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((f) => [f.name.value, f]),
  );
  const { depth, aliases, nodes } = shape(operation, fragments, limits);
  if (nodes > limits.maxNodes) {
    return [
      limitError(
        'size',
        `Query too large: more than ${limits.maxNodes} fields once fragments are expanded`,
        limits.maxNodes,
        nodes,
      ),
    ];
  }
  const errors: GraphQLError[] = [];
  if (depth > limits.maxDepth)
    errors.push(
      limitError('depth', `Query depth ${depth} exceeds the limit of ${limits.maxDepth}`, limits.maxDepth, depth),
    );
  if (aliases > limits.maxAliases)
    errors.push(
      limitError(
        'aliases',
        `Query uses ${aliases} aliases; the limit is ${limits.maxAliases}`,
        limits.maxAliases,
        aliases,
      ),
    );
  if (errors.length > 0) return errors;
  let cost: number;
  try {
    cost = getComplexity({
      schema,
      query: document,
      variables: variables ?? {},
      ...(operation.name ? { operationName: operation.name.value } : {}),
      estimators: [costEstimator],
    });
  } catch {
    // Bad variables: execution rejects the operation with a precise message before any resolver runs.
    return [];
  }
  if (cost > limits.maxCost) {
    errors.push(
      limitError(
        'cost',
        `Query cost ${cost} exceeds the limit of ${limits.maxCost}: ask for fewer items (smaller \`first\`) or fewer nested lists`,
        limits.maxCost,
        cost,
      ),
    );
  }
  return errors;
}

/**
 * The limits as graphql-js validation rules, for transports without Apollo's pipeline
 * (graphql-ws). Returns a factory of rules for an operation's variables.
 */
export function operationLimitRules(
  schema: GraphQLSchema,
  limits: OperationLimits = DEFAULT_LIMITS,
): (variables: Record<string, unknown> | undefined) => readonly ValidationRule[] {
  return (variables) => [
    (context) => ({
      Document: {
        leave(document) {
          const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
          for (const operation of operations) {
            const name = (operation as OperationDefinitionNode).name?.value;
            // An unnamed operation is only valid alone; graphql-js reports the rest.
            if (!name && operations.length > 1) continue;
            for (const error of checkOperationLimits(schema, document, variables, name ?? null, limits))
              context.reportError(error);
          }
        },
      },
    }),
  ];
}

/** The limits on Apollo's HTTP path: checked once the operation is known, before execution. */
export function operationLimitsPlugin<TContext extends object>(
  limits: OperationLimits = DEFAULT_LIMITS,
): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, request, operationName }) {
          const [first] = checkOperationLimits(schema, document, request.variables, operationName, limits);
          if (first) throw first;
        },
      };
    },
  };
}
