import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import type { Reference } from '@apollo/client';
import { graphql } from '../gql';
import type { Role } from '../gql/graphql';
import { errorMessage, toFormErrors } from '../shell/errors';
import { formatDateTime } from '../shell/format';
import { EmptyState, ErrorState, Loading } from '../shell/states';

const ApiKeysPageQuery = graphql(`
  query ApiKeysPage {
    apiKeys {
      id
      name
      role
      prefix
      createdAt
      lastUsedAt
    }
  }
`);

const CreateApiKeyMutation = graphql(`
  mutation CreateApiKey($input: ApiKeyInput!) {
    createApiKey(input: $input) {
      secret
      apiKey {
        id
        name
        role
        prefix
        createdAt
        lastUsedAt
      }
    }
  }
`);

const RevokeApiKeyMutation = graphql(`
  mutation RevokeApiKey($id: ID!) {
    revokeApiKey(id: $id)
  }
`);

/** Creates a key. Cache: prepended to `apiKeys` (newest first). */
function useCreateApiKey() {
  const [mutate, state] = useMutation(CreateApiKeyMutation, {
    update(cache, { data }) {
      const key = data?.createApiKey.apiKey;
      if (!key) return;
      cache.modify<{ apiKeys: Reference[] }>({
        fields: {
          apiKeys(existing, { toReference }) {
            const ref = toReference(key);
            return ref ? [ref, ...(existing as Reference[])] : existing;
          },
        },
      });
    },
  });
  const run = async (input: { name: string; role: Role }) => {
    const { data } = await mutate({ variables: { input } });
    if (!data) throw new Error('The API returned no key');
    return data.createApiKey;
  };
  return [run, state] as const;
}

/** Revokes a key. Cache: evicted. */
function useRevokeApiKey() {
  const [mutate, state] = useMutation(RevokeApiKeyMutation);
  const run = (id: string) =>
    mutate({
      variables: { id },
      update(cache) {
        cache.evict({ id: cache.identify({ __typename: 'ApiKey', id }) });
        cache.gc();
      },
    });
  return [run, state] as const;
}

/** API keys for server-to-server clients: created with a role, the secret shown once. */
export function ApiKeysPage() {
  const id = useId();
  const { data, error, refetch } = useQuery(ApiKeysPageQuery);
  const [createKey, createState] = useCreateApiKey();
  const [revokeKey] = useRevokeApiKey();
  const [values, setValues] = useState({ name: '', role: 'OPERATOR' as Role });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);

  if (error) return <ErrorState error={error} onRetry={() => void refetch()} />;
  if (!data) return <Loading label="Loading API keys…" />;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setErrors({});
    setFormError(null);
    try {
      const created = await createKey(values);
      setSecret(created.secret);
      setValues({ name: '', role: 'OPERATOR' });
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
        {data.apiKeys.length === 0 ? (
          <EmptyState title="No API keys">Create one for each system that calls Dialwave.</EmptyState>
        ) : (
          <table className="table table-responsive" aria-label="API keys">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key</th>
                <th scope="col">Role</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.apiKeys.map((key) => (
                <tr key={key.id}>
                  <td data-label="Name">{key.name}</td>
                  <td data-label="Key" className="mono">
                    {key.prefix}…
                  </td>
                  <td data-label="Role">{key.role}</td>
                  <td data-label="Last used">{key.lastUsedAt ? formatDateTime(key.lastUsedAt) : 'Never'}</td>
                  <td className="cell-action">
                    <button
                      type="button"
                      className="button button-small button-danger"
                      aria-label={`Revoke ${key.name}`}
                      onClick={async () => {
                        if (!window.confirm(`Revoke “${key.name}”? Systems using it stop working at once.`)) return;
                        setRowError(null);
                        try {
                          await revokeKey(key.id);
                        } catch (e) {
                          setRowError(errorMessage(e));
                        }
                      }}
                    >
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <form className="card form" onSubmit={onSubmit} noValidate aria-labelledby={`${id}-title`}>
        <h2 id={`${id}-title`}>New API key</h2>
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input
            id={`${id}-name`}
            value={values.name}
            autoComplete="off"
            onChange={(e) => setValues((v) => ({ ...v, name: e.target.value }))}
          />
          {errors['name'] && <p className="field-error">{errors['name']}</p>}
        </div>
        <div className="field">
          <label htmlFor={`${id}-role`}>Role</label>
          <select
            id={`${id}-role`}
            value={values.role}
            onChange={(e) => setValues((v) => ({ ...v, role: e.target.value as Role }))}
          >
            <option value="VIEWER">VIEWER (reads)</option>
            <option value="OPERATOR">OPERATOR (runs campaigns)</option>
            <option value="ADMIN">ADMIN (manages everything)</option>
          </select>
        </div>
        {formError && (
          <p className="form-error" role="alert">
            {formError}
          </p>
        )}
        {secret && (
          <div className="notice" role="status">
            <p>Copy the key now: it is not shown again.</p>
            <code className="mono" aria-label="Secret of the new key">
              {secret}
            </code>
          </div>
        )}
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={createState.loading}>
            Create key
          </button>
        </div>
      </form>
    </div>
  );
}
