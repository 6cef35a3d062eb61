import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import { useQuery } from '@apollo/client/react';
import { graphql } from '../gql';
import type { AgentKind, AgentRow_AgentFragment } from '../gql/graphql';
import { toFormErrors } from '../shell/errors';
import type { FormErrors } from '../shell/errors';
import { formatDateTime } from '../shell/format';
import { EmptyState, ErrorState, Loading } from '../shell/states';
import { useCreateAgent } from './use-create-agent';
import { useUpdateAgent } from './use-update-agent';
import { AGENT_KIND_FORM, AGENT_KINDS, parseVariables } from './agent-kinds';
import { useCan } from '../settings/use-role';

export const AgentRowFragment = graphql(`
  fragment AgentRow_agent on Agent {
    id
    name
    description
    createdAt
    kind
    externalId
    url
    variables
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

/** One agent; `onEdit` only for those who may edit it (ADMINs), so others see no Edit button. */
function AgentRow({ agent, onEdit }: { agent: AgentRow_AgentFragment; onEdit?: (() => void) | undefined }) {
  return (
    <tr>
      <td data-label="Agent">
        <span className="row-title">{agent.name}</span>
        {agent.description && <span className="row-sub">{agent.description}</span>}
      </td>
      <td data-label="Kind">
        {AGENT_KIND_FORM[agent.kind].label}
        {(agent.externalId || agent.url) && <span className="row-sub mono">{agent.externalId ?? agent.url}</span>}
      </td>
      <td data-label="Variables" className="mono">
        {agent.variables.length > 0 ? agent.variables.join(', ') : <span className="muted">—</span>}
      </td>
      <td data-label="Created">{formatDateTime(agent.createdAt)}</td>
      <td data-label="">
        {onEdit && (
          <button type="button" className="button button-small" onClick={onEdit} aria-label={`Edit ${agent.name}`}>
            Edit
          </button>
        )}
      </td>
    </tr>
  );
}

/** Voice agents: who speaks on the calls. */
export function AgentsPage() {
  // Agents are created by ADMINs: others get no form they could not submit.
  const isAdmin = useCan('ADMIN');
  const id = useId();
  const { data, error, refetch } = useQuery(AgentsPageQuery);
  const [createAgent, { loading: creating }] = useCreateAgent();
  const [updateAgent, { loading: updating }] = useUpdateAgent();
  const loading = creating || updating;
  const [errors, setErrors] = useState<FormErrors>({ fields: {}, form: null });
  const [editing, setEditing] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [kind, setKind] = useState<AgentKind>('SIMULATED');
  const [externalId, setExternalId] = useState('');
  const [url, setUrl] = useState('');
  const [variables, setVariables] = useState('');
  const [created, setCreated] = useState<string | null>(null);
  const needs = AGENT_KIND_FORM[kind];

  const reset = () => {
    setEditing(null);
    setName('');
    setDescription('');
    setKind('SIMULATED');
    setExternalId('');
    setUrl('');
    setVariables('');
    setErrors({ fields: {}, form: null });
  };

  const edit = (agent: AgentRow_AgentFragment) => {
    setCreated(null);
    setEditing(agent.id);
    setName(agent.name);
    setDescription(agent.description ?? '');
    setKind(agent.kind);
    setExternalId(agent.externalId ?? '');
    setUrl(agent.url ?? '');
    setVariables(agent.variables.join(', '));
    setErrors({ fields: {}, form: null });
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setCreated(null);
    if (!name.trim()) {
      setErrors({ fields: { name: 'Name the agent.' }, form: null });
      return;
    }
    // Fields the kind does not use are sent empty, so a kind change leaves no stale id or URL.
    const input = {
      name: name.trim(),
      description: description.trim() || null,
      kind,
      externalId: needs.externalId ? externalId.trim() || null : null,
      url: needs.url ? url.trim() || null : null,
      variables: parseVariables(variables),
    };
    try {
      const agent = editing ? await updateAgent(editing, input) : await createAgent(input);
      reset();
      setCreated(`Agent “${agent.name}” ${editing ? 'saved' : 'created'}.`);
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
                  <th scope="col">Kind</th>
                  <th scope="col">Variables</th>
                  <th scope="col">Created</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.agents.map((agent) => (
                  <AgentRow key={agent.id} agent={agent} onEdit={isAdmin ? () => edit(agent) : undefined} />
                ))}
              </tbody>
            </table>
          )}
        </div>
        {isAdmin && (
          <form className="card form" onSubmit={onSubmit} noValidate aria-labelledby={`${id}-title`}>
            <h2 id={`${id}-title`}>{editing ? 'Edit agent' : 'New agent'}</h2>
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
            <div className="field">
              <label htmlFor={`${id}-kind`}>Kind</label>
              <select id={`${id}-kind`} value={kind} onChange={(event) => setKind(event.target.value as AgentKind)}>
                {AGENT_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {AGENT_KIND_FORM[k].label}
                  </option>
                ))}
              </select>
              <p className="field-hint">Works with {needs.provider}.</p>
              {errors.fields['kind'] && <p className="field-error">{errors.fields['kind']}</p>}
            </div>
            {needs.externalId && (
              <div className="field">
                <label htmlFor={`${id}-external`}>{needs.externalId}</label>
                <input
                  id={`${id}-external`}
                  value={externalId}
                  onChange={(event) => setExternalId(event.target.value)}
                  aria-invalid={errors.fields['externalId'] ? true : undefined}
                />
                {errors.fields['externalId'] && <p className="field-error">{errors.fields['externalId']}</p>}
              </div>
            )}
            {needs.url && (
              <div className="field">
                <label htmlFor={`${id}-url`}>{needs.url}</label>
                <input
                  id={`${id}-url`}
                  value={url}
                  placeholder={needs.urlPlaceholder}
                  onChange={(event) => setUrl(event.target.value)}
                  aria-invalid={errors.fields['url'] ? true : undefined}
                />
                {errors.fields['url'] && <p className="field-error">{errors.fields['url']}</p>}
              </div>
            )}
            <div className="field">
              <label htmlFor={`${id}-variables`}>
                Variables <span className="optional">(optional)</span>
              </label>
              <input
                id={`${id}-variables`}
                value={variables}
                placeholder="name, plan"
                onChange={(event) => setVariables(event.target.value)}
                aria-invalid={errors.fields['variables'] ? true : undefined}
              />
              <p className="field-hint">
                Names the script uses, like {'{{name}}'}. Every contact must have each one: name, email or a CSV column.
              </p>
              {errors.fields['variables'] && <p className="field-error">{errors.fields['variables']}</p>}
            </div>
            {errors.form && (
              <p className="form-error" role="alert">
                {errors.form}
              </p>
            )}
            {created && (
              <p className="notice" role="status">
                {created}
              </p>
            )}
            <div className="form-actions">
              <button type="submit" className="button button-primary" disabled={loading}>
                {loading ? 'Saving…' : editing ? 'Save agent' : 'Create agent'}
              </button>
              {editing && (
                <button type="button" className="button" onClick={reset}>
                  Cancel
                </button>
              )}
            </div>
          </form>
        )}
      </div>
    </section>
  );
}
