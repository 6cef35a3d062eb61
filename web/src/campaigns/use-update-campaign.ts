import { useMutation } from '@apollo/client/react';
import { graphql } from '../gql';
import type { UpdateCampaignInput } from '../gql/graphql';

const UpdateCampaignMutation = graphql(`
  mutation UpdateCampaign($id: ID!, $input: UpdateCampaignInput!) {
    updateCampaign(id: $id, input: $input) {
      id
      name
      description
      updatedAt
      settings {
        ...CampaignForm_settings
      }
    }
  }
`);

/** Updates a campaign's name, description or settings; the normalized cache takes the result as is. */
export function useUpdateCampaign() {
  const [mutate, state] = useMutation(UpdateCampaignMutation);
  const run = async (id: string, input: UpdateCampaignInput) => {
    const { data } = await mutate({ variables: { id, input } });
    if (!data) throw new Error('The API returned no campaign');
    return data.updateCampaign;
  };
  return [run, state] as const;
}
