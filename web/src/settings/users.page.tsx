import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import type { Reference } from '@apollo/client';
import { graphql } from '../gql';
import type { Role } from '../gql/graphql';
import { errorMessage, toFormErrors } from '../shell/errors';
import { ErrorState, Loading } from '../shell/states';
import { CurrentRoleQuery } from './use-role';

const ROLES: Role[] = ['ADMIN', 'OPERATOR', 'VIEWER'];

const UsersPageQuery = graphql(`
  query UsersPage {
    users {
      id
      email
      role
    }
  }
`);

const UpdateUserRoleMutation = graphql(`
  mutation UpdateUserRole($id: ID!, $role: Role!) {
    updateUserRole(id: $id, role: $role) {
      id
      role
    }
  }
`);

const RemoveUserMutation = graphql(`
  mutation RemoveUser($id: ID!) {
    removeUser(id: $id)
  }
`);

const CreateUserMutation = graphql(`
  mutation AddUser($input: CreateUserInput!) {
    createUser(input: $input) {
      id
      email
      role
    }
  }
`);

/** Changes a role. Cache: the User entity updates itself (normalized by id). */
function useUpdateUserRole() {
  const [mutate, state] = useMutation(UpdateUserRoleMutation);
  return [(id: string, role: Role) => mutate({ variables: { id, role } }), state] as const;
}

/** Removes a user. Cache: evicted, so every list drops them. */
function useRemoveUser() {
  const [mutate, state] = useMutation(RemoveUserMutation);
  const run = (id: string) =>
    mutate({
      variables: { id },
      update(cache) {
        cache.evict({ id: cache.identify({ __typename: 'User', id }) });
        cache.gc();
      },
    });
  return [run, state] as const;
}

/** Adds a user. Cache: appended to `users`. */
function useAddUser() {
  const [mutate, state] = useMutation(CreateUserMutation, {
    update(cache, { data }) {
      const user = data?.createUser;
      if (!user) return;
      cache.modify<{ users: Reference[] }>({
        fields: {
          users(existing, { toReference }) {
            const ref = toReference(user);
            return ref ? [...(existing as Reference[]), ref] : existing;
          },
        },
      });
    },
  });
  return [(input: { email: string; password: string; role: Role }) => mutate({ variables: { input } }), state] as const;
}

/** The organization's users: roles, removal, and adding one. */
export function UsersPage() {
  const id = useId();
  const { data, error, refetch } = useQuery(UsersPageQuery);
  const me = useQuery(CurrentRoleQuery).data?.me;
  const [updateRole] = useUpdateUserRole();
  const [removeUser] = useRemoveUser();
  const [addUser, addState] = useAddUser();
  const [rowError, setRowError] = useState<string | null>(null);
  const [values, setValues] = useState({ email: '', password: '', role: 'VIEWER' as Role });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);

  if (error) return <ErrorState error={error} onRetry={() => void refetch()} />;
  if (!data) return <Loading label="Loading users…" />;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setErrors({});
    setFormError(null);
    try {
      await addUser(values);
      setValues({ email: '', password: '', role: 'VIEWER' });
    } catch (e) {
      const result = toFormErrors(e);
      setErrors(result.fields);
      setFormError(result.form);
    }
  };

  return (
    <div className="grid grid-sidebar">
      <div className="card">
        {rowError && (
          <p className="form-error" role="alert">
            {rowError}
          </p>
        )}
        <table className="table table-responsive" aria-label="Users">
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data.users.map((user) => (
              <tr key={user.id}>
                <td data-label="Email">
                  {user.email} {user.id === me?.id && <span className="badge">You</span>}
                </td>
                <td data-label="Role">
                  <select
                    aria-label={`Role of ${user.email}`}
                    value={user.role}
                    onChange={async (event) => {
                      setRowError(null);
                      try {
                        await updateRole(user.id, event.target.value as Role);
                      } catch (e) {
                        setRowError(errorMessage(e));
                      }
                    }}
                  >
                    {ROLES.map((role) => (
                      <option key={role} value={role}>
                        {role}
                      </option>
                    ))}
                  </select>
                </td>
                <td className="cell-action">
                  <button
                    type="button"
                    className="button button-small button-danger"
                    aria-label={`Remove ${user.email}`}
                    onClick={async () => {
                      if (!window.confirm(`Remove ${user.email}? They are signed out at once.`)) return;
                      setRowError(null);
                      try {
                        await removeUser(user.id);
                      } catch (e) {
                        setRowError(errorMessage(e));
                      }
                    }}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form className="card form" onSubmit={onSubmit} noValidate aria-labelledby={`${id}-title`}>
        <h2 id={`${id}-title`}>Add a user</h2>
        <div className="field">
          <label htmlFor={`${id}-email`}>Email</label>
          <input
            id={`${id}-email`}
            type="email"
            value={values.email}
            onChange={(e) => setValues((v) => ({ ...v, email: e.target.value }))}
          />
          {errors['email'] && <p className="field-error">{errors['email']}</p>}
        </div>
        <div className="field">
          <label htmlFor={`${id}-password`}>Password</label>
          <input
            id={`${id}-password`}
            type="password"
            autoComplete="new-password"
            value={values.password}
            onChange={(e) => setValues((v) => ({ ...v, password: e.target.value }))}
          />
          {errors['password'] && <p className="field-error">{errors['password']}</p>}
        </div>
        <div className="field">
          <label htmlFor={`${id}-role`}>Role</label>
          <select
            id={`${id}-role`}
            value={values.role}
            onChange={(e) => setValues((v) => ({ ...v, role: e.target.value as Role }))}
          >
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {role}
              </option>
            ))}
          </select>
        </div>
        {formError && (
          <p className="form-error" role="alert">
            {formError}
          </p>
        )}
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={addState.loading}>
            Add user
          </button>
        </div>
      </form>
    </div>
  );
}
