import { useMutation } from '@apollo/client/react';
import { graphql } from '../gql';
import type { UpdatePhoneInput } from '../gql/graphql';

const UpdatePhoneMutation = graphql(`
  mutation UpdatePhone($id: ID!, $input: UpdatePhoneInput!) {
    updatePhone(id: $id, input: $input) {
      id
      ...PhoneRow_phone
    }
  }
`);

/** Changes a phone (name, number, simulated behaviour); the normalized cache takes the result. */
export function useUpdatePhone() {
  const [mutate, state] = useMutation(UpdatePhoneMutation);
  const run = async (id: string, input: UpdatePhoneInput) => {
    const { data } = await mutate({ variables: { id, input } });
    if (!data) throw new Error('The API returned no phone');
    return data.updatePhone;
  };
  return [run, state] as const;
}
