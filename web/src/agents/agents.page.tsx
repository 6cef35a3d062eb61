import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import { useQuery } from '@apollo/client/react';
import { graphql } from '../gql';
import type { AgentRow_AgentFragment } from '../gql/graphql';
import { toFormErrors } from '../shell/errors';
import type { FormErrors } from '../shell/errors';
import { formatDateTime } from '../shell/format';
import { EmptyState, ErrorState, Loading } from '../shell/states';
import { useCreateAgent } from './use-create-agent';
import { useCan } from '../settings/use-role';

export const AgentRowFragment = graphql(`
  fragment AgentRow_agent on Agent {
    id
    name
    description
    createdAt
  }
`);

const AgentsPageQuery = graphql(`
  query AgentsPage {
    agents {
      id
      ...AgentRow_agent
    }
  }
`);

function AgentRow({ agent }: { agent: AgentRow_AgentFragment }) {
  return (
    <tr>
      <td data-label="Agent">
        <span className="row-title">{agent.name}</span>
      </td>
      <td data-label="Description">{agent.description || <span className="muted">—</span>}</td>
      <td data-label="Created">{formatDateTime(agent.createdAt)}</td>
    </tr>
  );
}

/** Voice agents: who speaks on the calls. */
export function AgentsPage() {
  // Agents are created by ADMINs: others get no form they could not submit.
  const isAdmin = useCan('ADMIN');
  const id = useId();
  const { data, error, refetch } = useQuery(AgentsPageQuery);
  const [createAgent, { loading }] = useCreateAgent();
  const [errors, setErrors] = useState<FormErrors>({ fields: {}, form: null });
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [created, setCreated] = useState<string | null>(null);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setCreated(null);
    if (!name.trim()) {
      setErrors({ fields: { name: 'Name the agent.' }, form: null });
      return;
    }
    try {
      const agent = await createAgent({ name: name.trim(), description: description.trim() || null });
      setErrors({ fields: {}, form: null });
      setName('');
      setDescription('');
      setCreated(agent.name);
    } catch (e) {
      setErrors(toFormErrors(e));
    }
  };

  return (
    <section>
      <div className="page-header">
        <div>
          <h1>Agents</h1>
          <p className="muted">The voice agents your campaigns call with.</p>
        </div>
      </div>
      <div className="grid grid-sidebar">
        <div className="card table-card">
          {error && !data ? (
            <ErrorState error={error} onRetry={() => void refetch()} />
          ) : !data ? (
            <Loading label="Loading agents…" />
          ) : data.agents.length === 0 ? (
            <EmptyState title="No agents yet">Create one with the form; every campaign needs an agent.</EmptyState>
          ) : (
            <table className="table table-responsive">
              <thead>
                <tr>
                  <th scope="col">Agent</th>
                  <th scope="col">Description</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {data.agents.map((agent) => (
                  <AgentRow key={agent.id} agent={agent} />
                ))}
              </tbody>
            </table>
          )}
        </div>
        {isAdmin && (
          <form className="card form" onSubmit={onSubmit} noValidate aria-labelledby={`${id}-title`}>
            <h2 id={`${id}-title`}>New agent</h2>
            <div className="field">
              <label htmlFor={`${id}-name`}>Name</label>
              <input
                id={`${id}-name`}
                value={name}
                onChange={(event) => setName(event.target.value)}
                aria-invalid={errors.fields['name'] ? true : undefined}
                aria-describedby={errors.fields['name'] ? `${id}-name-error` : undefined}
              />
              {errors.fields['name'] && (
                <p className="field-error" id={`${id}-name-error`}>
                  {errors.fields['name']}
                </p>
              )}
            </div>
            <div className="field">
              <label htmlFor={`${id}-description`}>
                Description <span className="optional">(optional)</span>
              </label>
              <textarea
                id={`${id}-description`}
                rows={3}
                value={description}
                onChange={(event) => setDescription(event.target.value)}
              />
              {errors.fields['description'] && <p className="field-error">{errors.fields['description']}</p>}
            </div>
            {errors.form && (
              <p className="form-error" role="alert">
                {errors.form}
              </p>
            )}
            {created && (
              <p className="notice" role="status">
                Agent “{created}” created.
              </p>
            )}
            <button type="submit" className="button button-primary" disabled={loading}>
              {loading ? 'Creating…' : 'Create agent'}
            </button>
          </form>
        )}
      </div>
    </section>
  );
}
