import { useMutation } from '@apollo/client/react';
import { graphql } from '../gql';
import type { CreateCampaignInput } from '../gql/graphql';

const CreateCampaignMutation = graphql(`
  mutation CreateCampaign($input: CreateCampaignInput!) {
    createCampaign(input: $input) {
      id
      ...CampaignRow_campaign
    }
  }
`);

/**
 * Creates a campaign. Cache: cached campaign lists are dropped (they are keyed by filters
 * this hook cannot evaluate), so the next list view fetches them with the new campaign.
 */
export function useCreateCampaign() {
  const [mutate, state] = useMutation(CreateCampaignMutation, {
    update(cache) {
      cache.evict({ id: 'ROOT_QUERY', fieldName: 'campaigns' });
      cache.gc();
    },
  });
  const run = async (input: CreateCampaignInput) => {
    const { data } = await mutate({ variables: { input } });
    if (!data) throw new Error('The API returned no campaign');
    return data.createCampaign;
  };
  return [run, state] as const;
}
