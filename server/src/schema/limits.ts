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
 * WebSockets (validation rules for both protocols): a deep, wide or aliased query would
 * otherwise cost the server far more than it costs the client to send.
 *
 * Introspection is counted like everything else. It used to be skipped, and one request of
 * 19,000 aliased `__schema` selections answered 436 MB and blocked the process for a minute.
 *
 * Hand-written rather than @escape.tech/graphql-armor: armor's cost limit prices a field by
 * its depth and kind and never reads `first`, which is what makes our connections expensive
 * or cheap; and one function here serves Apollo and both WebSocket protocols, so the three
 * transports cannot drift apart.
 */
export interface OperationLimits {
  /** Deepest field nesting outside introspection. Default 10. */
  maxDepth: number;
  /**
   * Deepest nesting inside a `__schema` / `__type` selection, counted from that field. Default 15:
   * graphql-js's own introspection query (the one GraphiQL and codegen send) is 13 deep there, and
   * `fields { type { fields … } }` cycles must still end.
   */
  maxIntrospectionDepth: number;
  /** Estimated cost: each field 1, a field with `first` costs `first` × its selection, other lists 10 ×. Default 5,000. */
  maxCost: number;
  /** Aliased fields in one operation, introspection included. Default 30. */
  maxAliases: number;
  /** Fields visited while expanding fragments, introspection included (guards against fragment fan-out). Default 20,000. */
  maxNodes: number;
  /** `__schema` / `__type` selections in one operation. Default 1. */
  maxIntrospectionRoots: number;
}

/**
 * Parser options for every transport. graphql-js's parser and validation cost time in
 * proportion to a document's tokens, before any limit below can look at it: a 1 MB document of
 * 19,000 aliased selections took 7 s to reach them. `maxTokens` makes the parser give up first
 * (a GraphQL syntax error saying the document has more than 5000 tokens); the dashboard's largest
 * operation has under 100 tokens and graphql-js's introspection query a few hundred.
 * https://github.com/graphql/graphql-js/pull/3684
 */
export const PARSE_OPTIONS = { maxTokens: 5_000 } as const;

export const DEFAULT_LIMITS: OperationLimits = {
  maxDepth: 10,
  maxIntrospectionDepth: 15,
  maxCost: 5000,
  maxAliases: 30,
  maxNodes: 20_000,
  maxIntrospectionRoots: 1,
};

const INTROSPECTION_ROOTS: ReadonlySet<string> = new Set(['__schema', '__type']);

/** Assumed length of a list field without `first` (agents, phones…). */
const UNBOUNDED_LIST_SIZE = 10;

const limitError = (
  limit: 'depth' | 'cost' | 'aliases' | 'size' | 'introspection',
  message: string,
  max: number,
  actual: number,
) =>
  new GraphQLError(message, {
    extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit, max, actual, http: { status: 400 } },
  });

/**
 * Cost of one field. A connection's `first` multiplies what is selected under it (`nodes`
 * inside the connection is then not multiplied again). Introspection fields cost like any
 * other field, except that their lists are priced at 1 ×: the introspection schema is finite,
 * and the one-root and depth rules bound it, so one full introspection query (about 200 fields
 * of selection) stays well within the budget while thousands of aliased copies do not.
 */
const costEstimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  if (type.name.startsWith('__') || field.name.startsWith('__')) return 1 + childComplexity;
  const first = args['first'];
  if (typeof first === 'number' && first > 0) return 1 + first * childComplexity;
  if (type.name.endsWith('Connection') && field.name === 'nodes') return 1 + childComplexity;
  if (isListType(getNullableType(field.type)) && childComplexity > 0) return 1 + UNBOUNDED_LIST_SIZE * childComplexity;
  return 1 + childComplexity;
};

/** Depth, alias, field and introspection-root counts of an operation with its fragments expanded. */
function shape(
  operation: OperationDefinitionNode,
  fragments: Map<string, FragmentDefinitionNode>,
  limits: OperationLimits,
): { depth: number; introspectionDepth: number; aliases: number; nodes: number; introspectionRoots: number } {
  let aliases = 0;
  let nodes = 0;
  let introspectionRoots = 0;
  let introspectionDepth = 0;
  const over = () =>
    nodes > limits.maxNodes ||
    aliases > limits.maxAliases ||
    introspectionRoots > limits.maxIntrospectionRoots ||
    introspectionDepth > limits.maxIntrospectionDepth;
  /**
   * `inside`: depth below the nearest `__schema`/`__type` (null outside introspection). Depth
   * outside introspection is the returned value; inside, it is tracked in introspectionDepth.
   */
  const walk = (set: SelectionSetNode, depth: number, inside: number | null, path: ReadonlySet<string>): number => {
    let deepest = depth;
    for (const selection of set.selections) {
      // Stop early once any limit is passed: the answer is already "too big".
      if (over() || deepest > limits.maxDepth) return deepest;
      if (selection.kind === Kind.FIELD) {
        nodes += 1;
        if (selection.alias) aliases += 1;
        const name = selection.name.value;
        let below = inside;
        if (INTROSPECTION_ROOTS.has(name)) {
          introspectionRoots += 1;
          below = 0;
        }
        if (below !== null) {
          const d = below + 1;
          introspectionDepth = Math.max(introspectionDepth, d);
          if (selection.selectionSet) walk(selection.selectionSet, depth, d, path);
          continue;
        }
        const d = selection.selectionSet ? walk(selection.selectionSet, depth + 1, null, path) : depth + 1;
        deepest = Math.max(deepest, d);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        deepest = Math.max(deepest, walk(selection.selectionSet, depth, inside, path));
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || path.has(name)) continue; // cycles are graphql-js's NoFragmentCycles error
        deepest = Math.max(deepest, walk(fragment.selectionSet, depth, inside, new Set([...path, name])));
      }
    }
    return deepest;
  };
  const depth = walk(operation.selectionSet, 0, null, new Set());
  return { depth, introspectionDepth, aliases, nodes, introspectionRoots };
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
  const { depth, introspectionDepth, aliases, nodes, introspectionRoots } = shape(operation, fragments, limits);
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
  if (introspectionRoots > limits.maxIntrospectionRoots)
    errors.push(
      limitError(
        'introspection',
        `Query selects __schema or __type ${introspectionRoots} times; the limit is ${limits.maxIntrospectionRoots} per operation`,
        limits.maxIntrospectionRoots,
        introspectionRoots,
      ),
    );
  if (introspectionDepth > limits.maxIntrospectionDepth)
    errors.push(
      limitError(
        'depth',
        `Introspection depth ${introspectionDepth} exceeds the limit of ${limits.maxIntrospectionDepth}`,
        limits.maxIntrospectionDepth,
        introspectionDepth,
      ),
    );
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
