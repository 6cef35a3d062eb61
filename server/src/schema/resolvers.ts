import type { NonEmptyArray } from 'type-graphql';
import { SystemResolver } from './system.resolver';

/**
 * Every resolver class of the API. Add a feature's resolver here (one line each).
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- type-graphql's own type
export const resolvers: NonEmptyArray<Function> = [SystemResolver];
