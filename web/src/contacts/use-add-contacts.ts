import { useMutation } from '@apollo/client/react';
import { graphql } from '../gql';
import type { ContactInput } from '../gql/graphql';

const AddContactsMutation = graphql(`
  mutation AddContacts($campaignId: ID!, $contacts: [ContactInput!]!) {
    addContacts(campaignId: $campaignId, contacts: $contacts) {
      accepted
      duplicates
      rejected {
        index
        phoneNumber
        reason
      }
    }
  }
`);

/**
 * Adds contacts through GraphQL (the import's fallback when the CSV endpoint is missing).
 * Cache: the caller (useImportContacts) refreshes the campaign once the batches are done.
 */
export function useAddContacts() {
  const [mutate, state] = useMutation(AddContactsMutation);
  const run = async (campaignId: string, contacts: ContactInput[]) => {
    const { data } = await mutate({ variables: { campaignId, contacts } });
    if (!data) throw new Error('The API returned no import result');
    return data.addContacts;
  };
  return [run, state] as const;
}
