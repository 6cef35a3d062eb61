import { useQuery } from '@apollo/client/react';
import { graphql } from '../gql';
import type { Role } from '../gql/graphql';

export const CurrentRoleQuery = graphql(`
  query CurrentRole {
    me {
      id
      role
    }
  }
`);

const RANK: Record<Role, number> = { VIEWER: 0, OPERATOR: 1, ADMIN: 2 };

/** Whether `role` may do what needs `needed` (ADMIN > OPERATOR > VIEWER), as the API checks it. */
export function roleAllows(role: Role | null | undefined, needed: Role): boolean {
  return role != null && RANK[role] >= RANK[needed];
}

/**
 * Whether the signed-in user holds at least `needed`. False until the role is known, so a
 * VIEWER never sees a button flash before it disappears. `me` is cached (the shell loads it).
 */
export function useCan(needed: Role): boolean {
  const { data } = useQuery(CurrentRoleQuery);
  return roleAllows(data?.me.role, needed);
}
