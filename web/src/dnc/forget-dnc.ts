import type { ApolloCache } from '@apollo/client';

/**
 * Drops the cached do-not-call lists (every search and page), so the page's query asks again:
 * an added number may land on any page, and the totals change.
 */
export function forgetDoNotCallLists(cache: ApolloCache): void {
  cache.evict({ id: 'ROOT_QUERY', fieldName: 'doNotCallEntries' });
  cache.evict({ id: 'ROOT_QUERY', fieldName: 'doNotCallList' });
  cache.gc();
}
