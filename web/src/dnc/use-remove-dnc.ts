import { useMutation } from '@apollo/client/react';
import { graphql } from '../gql';
import { forgetDoNotCallLists } from './forget-dnc';

const RemoveDoNotCallMutation = graphql(`
  mutation RemoveDoNotCall($phoneNumbers: [String!]!) {
    removeDoNotCall(phoneNumbers: $phoneNumbers)
  }
`);

/** Removes numbers from the list. Cache: the lists are refetched (the totals change). */
export function useRemoveDoNotCall() {
  const [mutate, state] = useMutation(RemoveDoNotCallMutation, { update: (cache) => forgetDoNotCallLists(cache) });
  const run = async (phoneNumbers: string[]) => {
    const { data } = await mutate({ variables: { phoneNumbers } });
    if (!data) throw new Error('The API returned no result');
    return data.removeDoNotCall;
  };
  return [run, state] as const;
}
