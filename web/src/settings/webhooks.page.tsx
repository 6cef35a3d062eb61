import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import type { Reference } from '@apollo/client';
import { graphql } from '../gql';
import { errorMessage, toFormErrors } from '../shell/errors';
import { formatDateTime } from '../shell/format';
import { EmptyState, ErrorState, Loading } from '../shell/states';

/** The events an endpoint can subscribe to (contact.opted_out: a contact asked on a call not to be called again). */
export const WEBHOOK_EVENTS = ['call.ended', 'campaign.status_changed', 'campaign.completed', 'contact.opted_out'];

const WebhooksPageQuery = graphql(`
  query WebhooksPage {
    webhookEndpoints {
      id
      url
      events
      enabled
      disabledReason
      createdAt
    }
  }
`);

const WebhookDeliveriesQuery = graphql(`
  query WebhookDeliveries($endpointId: ID!) {
    webhookDeliveries(endpointId: $endpointId, first: 50) {
      totalCount
      nodes {
        id
        event
        attempt
        responseStatus
        delivered
        error
        createdAt
        nextAttemptAt
      }
    }
  }
`);

const CreateWebhookEndpointMutation = graphql(`
  mutation CreateWebhookEndpoint($input: WebhookEndpointInput!) {
    createWebhookEndpoint(input: $input) {
      secret
      endpoint {
        id
        url
        events
        enabled
        disabledReason
        createdAt
      }
    }
  }
`);

const DeleteWebhookEndpointMutation = graphql(`
  mutation DeleteWebhookEndpoint($id: ID!) {
    deleteWebhookEndpoint(id: $id)
  }
`);

/** Creates an endpoint. Cache: prepended to `webhookEndpoints`. */
function useCreateWebhookEndpoint() {
  const [mutate, state] = useMutation(CreateWebhookEndpointMutation, {
    update(cache, { data }) {
      const endpoint = data?.createWebhookEndpoint.endpoint;
      if (!endpoint) return;
      cache.modify<{ webhookEndpoints: Reference[] }>({
        fields: {
          webhookEndpoints(existing, { toReference }) {
            const ref = toReference(endpoint);
            return ref ? [ref, ...(existing as Reference[])] : existing;
          },
        },
      });
    },
  });
  const run = async (input: { url: string; events: string[] }) => {
    const { data } = await mutate({ variables: { input } });
    if (!data) throw new Error('The API returned no endpoint');
    return data.createWebhookEndpoint;
  };
  return [run, state] as const;
}

/** Deletes an endpoint. Cache: evicted. */
function useDeleteWebhookEndpoint() {
  const [mutate, state] = useMutation(DeleteWebhookEndpointMutation);
  const run = (id: string) =>
    mutate({
      variables: { id },
      update(cache) {
        cache.evict({ id: cache.identify({ __typename: 'WebhookEndpoint', id }) });
        cache.gc();
      },
    });
  return [run, state] as const;
}

function Deliveries({ endpointId }: { endpointId: string }) {
  const { data, error, refetch } = useQuery(WebhookDeliveriesQuery, { variables: { endpointId } });
  if (error) return <ErrorState error={error} onRetry={() => void refetch()} />;
  if (!data) return <Loading label="Loading deliveries…" />;
  const { nodes, totalCount } = data.webhookDeliveries;
  if (nodes.length === 0) return <p className="muted">No deliveries yet.</p>;
  return (
    <table className="table table-responsive" aria-label="Deliveries">
      <caption className="muted">
        Latest {nodes.length} of {totalCount} attempts{' '}
        <button type="button" className="button button-small button-ghost" onClick={() => void refetch()}>
          Refresh
        </button>
      </caption>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Event</th>
          <th scope="col">Attempt</th>
          <th scope="col">Result</th>
          <th scope="col">Next attempt</th>
        </tr>
      </thead>
      <tbody>
        {nodes.map((d) => (
          <tr key={d.id}>
            <td data-label="When">{formatDateTime(d.createdAt)}</td>
            <td data-label="Event" className="mono">
              {d.event}
            </td>
            <td data-label="Attempt" className="num">
              {d.attempt}
            </td>
            <td data-label="Result">
              {d.delivered ? 'Delivered' : 'Failed'} · {d.responseStatus ?? d.error ?? 'no answer'}
            </td>
            <td data-label="Next attempt">{d.nextAttemptAt ? formatDateTime(d.nextAttemptAt) : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Endpoints that receive signed events, and each one's delivery log. */
export function WebhooksPage() {
  const id = useId();
  const { data, error, refetch } = useQuery(WebhooksPageQuery);
  const [createEndpoint, createState] = useCreateWebhookEndpoint();
  const [deleteEndpoint] = useDeleteWebhookEndpoint();
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>(['call.ended', 'campaign.completed']);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);

  if (error) return <ErrorState error={error} onRetry={() => void refetch()} />;
  if (!data) return <Loading label="Loading webhooks…" />;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setErrors({});
    setFormError(null);
    try {
      const created = await createEndpoint({ url, events });
      setSecret(created.secret);
      setUrl('');
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
        {data.webhookEndpoints.length === 0 ? (
          <EmptyState title="No webhook endpoints">
            Add one to have calls and campaigns reported to your systems as they happen.
          </EmptyState>
        ) : (
          <ul className="list" aria-label="Webhook endpoints">
            {data.webhookEndpoints.map((endpoint) => (
              <li key={endpoint.id} className="card">
                <p className="row-title mono">{endpoint.url}</p>
                <p className="row-sub">
                  {endpoint.events.join(', ')} · {endpoint.enabled ? 'Enabled' : 'Disabled'}
                </p>
                {endpoint.disabledReason && (
                  <p className="notice notice-warning" role="status">
                    {endpoint.disabledReason}
                  </p>
                )}
                <div className="form-actions-start">
                  <button
                    type="button"
                    className="button button-small"
                    aria-expanded={open === endpoint.id}
                    onClick={() => setOpen(open === endpoint.id ? null : endpoint.id)}
                  >
                    {open === endpoint.id ? 'Hide deliveries' : 'Deliveries'}
                  </button>
                  <button
                    type="button"
                    className="button button-small button-danger"
                    aria-label={`Delete ${endpoint.url}`}
                    onClick={async () => {
                      if (!window.confirm(`Delete the endpoint ${endpoint.url}?`)) return;
                      setRowError(null);
                      try {
                        await deleteEndpoint(endpoint.id);
                      } catch (e) {
                        setRowError(errorMessage(e));
                      }
                    }}
                  >
                    Delete
                  </button>
                </div>
                {open === endpoint.id && <Deliveries endpointId={endpoint.id} />}
              </li>
            ))}
          </ul>
        )}
      </div>
      <form className="card form" onSubmit={onSubmit} noValidate aria-labelledby={`${id}-title`}>
        <h2 id={`${id}-title`}>New endpoint</h2>
        <div className="field">
          <label htmlFor={`${id}-url`}>URL</label>
          <input
            id={`${id}-url`}
            type="url"
            placeholder="https://example.com/dialwave"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
          />
          {errors['url'] && <p className="field-error">{errors['url']}</p>}
        </div>
        <fieldset className="form-section">
          <legend>Events</legend>
          {WEBHOOK_EVENTS.map((name) => (
            <label key={name} className="field-check">
              <input
                type="checkbox"
                checked={events.includes(name)}
                onChange={(e) =>
                  setEvents((list) => (e.target.checked ? [...list, name] : list.filter((x) => x !== name)))
                }
              />
              <span className="mono">{name}</span>
            </label>
          ))}
          {errors['events'] && <p className="field-error">{errors['events']}</p>}
        </fieldset>
        {formError && (
          <p className="form-error" role="alert">
            {formError}
          </p>
        )}
        {secret && (
          <div className="notice" role="status">
            <p>Signing secret (Standard Webhooks); copy it now, it is not shown again:</p>
            <code className="mono" aria-label="Signing secret">
              {secret}
            </code>
          </div>
        )}
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={createState.loading}>
            Add endpoint
          </button>
        </div>
      </form>
    </div>
  );
}
