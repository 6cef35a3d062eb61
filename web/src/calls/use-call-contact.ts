import { useMutation } from '@apollo/client/react';
import type { Reference } from '@apollo/client';
import { graphql } from '../gql';

const CallContactMutation = graphql(`
  mutation CallContact($campaignId: ID!, $contactId: ID!) {
    callContact(campaignId: $campaignId, contactId: $contactId) {
      id
      campaignId
      ...CallFeed_call
    }
  }
`);

interface CachedCalls {
  nodes: Reference[];
  totalCount: number;
}

/**
 * Calls one contact now, outside the campaign's order. Cache: the contact's new status comes
 * back with the call (normalized); the call is prepended to the campaign's cached call lists
 * whose status filter it passes (the storage key holds the filter, e.g. `calls:{"status":"FAILED"}`).
 */
export function useCallContact() {
  const [mutate, state] = useMutation(CallContactMutation, {
    update(cache, { data }) {
      const call = data?.callContact;
      if (!call) return;
      const ref = cache.identify(call);
      const campaign = cache.identify({ __typename: 'Campaign', id: call.campaignId });
      if (!ref || !campaign) return;
      cache.modify<{ calls: CachedCalls }>({
        id: campaign,
        fields: {
          calls(existing, { storeFieldName, toReference, readField }) {
            const list = existing as CachedCalls;
            const filter = /"status":"([A-Z_]+)"/.exec(storeFieldName)?.[1];
            if (filter && filter !== call.status) return list;
            if (list.nodes.some((node) => readField('id', node) === call.id)) return list;
            const node = toReference(ref);
            return node ? { ...list, nodes: [node, ...list.nodes], totalCount: list.totalCount + 1 } : list;
          },
        },
      });
    },
  });
  const run = (campaignId: string, contactId: string) => mutate({ variables: { campaignId, contactId } });
  return [run, state] as const;
}
