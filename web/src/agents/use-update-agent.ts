import { useMutation } from '@apollo/client/react';
import { graphql } from '../gql';
import type { UpdateAgentInput } from '../gql/graphql';

const UpdateAgentMutation = graphql(`
  mutation UpdateAgent($id: ID!, $input: UpdateAgentInput!) {
    updateAgent(id: $id, input: $input) {
      id
      ...AgentRow_agent
    }
  }
`);

/** Changes an agent (name, kind, platform id, URL, variables); the normalized cache takes the result. */
export function useUpdateAgent() {
  const [mutate, state] = useMutation(UpdateAgentMutation);
  const run = async (id: string, input: UpdateAgentInput) => {
    const { data } = await mutate({ variables: { id, input } });
    if (!data) throw new Error('The API returned no agent');
    return data.updateAgent;
  };
  return [run, state] as const;
}
