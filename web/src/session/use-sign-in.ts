import { useMutation } from '@apollo/client/react';
import { graphql } from '../gql';
import { useSession } from './session.context';

const SignInMutation = graphql(`
  mutation SignIn($email: String!, $password: String!) {
    login(email: $email, password: $password) {
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

/** Signs in; on success the token is stored and the app switches to the dashboard. */
export function useSignIn() {
  const { signIn } = useSession();
  const [mutate, state] = useMutation(SignInMutation);
  const run = async (email: string, password: string) => {
    const { data } = await mutate({ variables: { email, password } });
    if (data) signIn(data.login.token);
  };
  return [run, state] as const;
}
