/** A cached connection of calls, as a query result holds it. */
interface CallList<TCall extends { id: string }> {
  nodes: TCall[];
  totalCount: number;
}

/**
 * For `callUpdated`: a call the list already holds updates through the normalized cache
 * (returns null: nothing to do); a new one is prepended, when it passes the list's filter.
 */
export function prependCall<TCall extends { id: string; status: string }, TList extends CallList<TCall>>(
  list: TList,
  call: TCall,
  statusFilter?: string | null,
): TList | null {
  if (list.nodes.some((node) => node.id === call.id)) return null;
  if (statusFilter && call.status !== statusFilter) return null;
  return { ...list, nodes: [call, ...list.nodes], totalCount: list.totalCount + 1 };
}
