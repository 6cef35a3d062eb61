import { useMutation } from '@apollo/client/react';
import type { Reference } from '@apollo/client';
import { graphql } from '../gql';
import type { AgentInput } from '../gql/graphql';

const CreateAgentMutation = graphql(`
  mutation CreateAgent($input: AgentInput!) {
    createAgent(input: $input) {
      id
      ...AgentRow_agent
    }
  }
`);

/** Creates a voice agent. Cache: appended to the cached `agents` list (if loaded). */
export function useCreateAgent() {
  const [mutate, state] = useMutation(CreateAgentMutation, {
    update(cache, { data }) {
      const agent = data?.createAgent;
      if (!agent) return;
      cache.modify<{ agents: Reference[] }>({
        fields: {
          agents(existing, { toReference, readField }) {
            const list = existing as Reference[];
            if (list.some((ref) => readField('id', ref) === agent.id)) return list;
            const ref = toReference(agent);
            return ref ? [...list, ref] : list;
          },
        },
      });
    },
  });
  const run = async (input: AgentInput) => {
    const { data } = await mutate({ variables: { input } });
    if (!data) throw new Error('The API returned no agent');
    return data.createAgent;
  };
  return [run, state] as const;
}
