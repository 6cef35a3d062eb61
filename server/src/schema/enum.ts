import { registerEnumType } from 'type-graphql';

/**
 * Registers a GraphQL enum from a model's `as const` list, so the model stays the one
 * source of the values. Returns the object type-graphql needs in `@Field(() => …)`.
 */
export function graphqlEnum<T extends string>(
  name: string,
  values: readonly T[],
  description?: string,
): { [K in T]: K } {
  const object = Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };
  registerEnumType(object, { name, ...(description ? { description } : {}) });
  return object;
}
