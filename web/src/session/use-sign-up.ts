import { useMutation } from '@apollo/client/react';
import { graphql } from '../gql';
import type { SignUpInput } from '../gql/graphql';
import { useSession } from './session.context';

const SignUpMutation = graphql(`
  mutation SignUp($input: SignUpInput!) {
    signUp(input: $input) {
      token
      user {
        id
        email
        role
        organization {
          id
          name
        }
      }
    }
  }
`);

/** Creates an organization and its first user, then signs in as them. */
export function useSignUp() {
  const { signIn } = useSession();
  const [mutate, state] = useMutation(SignUpMutation);
  const run = async (input: SignUpInput) => {
    const { data } = await mutate({ variables: { input } });
    if (data) signIn(data.signUp.token);
  };
  return [run, state] as const;
}
