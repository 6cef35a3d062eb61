import { useMutation } from '@apollo/client/react';
import { graphql } from '../gql';
import { forgetDoNotCallLists } from './forget-dnc';

const AddDoNotCallMutation = graphql(`
  mutation AddDoNotCall($phoneNumbers: [String!]!) {
    addDoNotCall(phoneNumbers: $phoneNumbers)
  }
`);

/** Adds numbers to the list; resolves to how many were new. Cache: the lists are refetched. */
export function useAddDoNotCall() {
  const [mutate, state] = useMutation(AddDoNotCallMutation, { update: (cache) => forgetDoNotCallLists(cache) });
  const run = async (phoneNumbers: string[]) => {
    const { data } = await mutate({ variables: { phoneNumbers } });
    if (!data) throw new Error('The API returned no result');
    return data.addDoNotCall;
  };
  return [run, state] as const;
}
