import { useEffect, useId, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery } from '@apollo/client/react';
import { graphql } from '../gql';
import type { ContactStatus } from '../gql/graphql';
import { useCallContact } from '../calls/use-call-contact';
import { errorMessage } from '../shell/errors';
import { humanize } from '../shell/format';
import { EmptyState, ErrorState, Loading } from '../shell/states';
import { StatusSelect, useStatusParam } from '../shell/status-filter';
import { ContactRow } from './contact-row';
import { CONTACT_STATUSES } from './contact-status';
import { useCan } from '../settings/use-role';

const PAGE_SIZE = 50;

const CampaignContactsPageQuery = graphql(`
  query CampaignContactsPage($id: ID!, $status: ContactStatus, $first: Int, $after: String) {
    campaign(id: $id) {
      id
      status
      contacts(status: $status, first: $first, after: $after) {
        nodes {
          id
          ...ContactRow_contact
        }
        pageInfo {
          hasNextPage
          endCursor
        }
        totalCount
      }
    }
  }
`);

// Each call event carries its contact, so rows change status live through the cache.
const CampaignContactsSubscription = graphql(`
  subscription CampaignContactsCalls($campaignId: ID!) {
    callUpdated(campaignId: $campaignId) {
      id
      status
      contact {
        id
        ...ContactRow_contact
      }
    }
  }
`);

function isContactStatus(value: string | null): value is ContactStatus {
  return value !== null && (CONTACT_STATUSES as string[]).includes(value);
}

/** The campaign's contacts with their status, filterable, with "Call now". */
export function ContactsPage() {
  const canOperate = useCan('OPERATOR');
  const id = useId();
  const { campaignId = '' } = useParams();
  const [status, setStatus] = useStatusParam(isContactStatus);
  const { data, error, loading, refetch, fetchMore, subscribeToMore } = useQuery(CampaignContactsPageQuery, {
    variables: { id: campaignId, status, first: PAGE_SIZE },
  });
  const [callContact] = useCallContact();
  const [calling, setCalling] = useState<string | null>(null);
  const [message, setMessage] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);

  useEffect(
    () => subscribeToMore({ document: CampaignContactsSubscription, variables: { campaignId } }),
    [subscribeToMore, campaignId],
  );

  const onCall = async (contactId: string) => {
    setCalling(contactId);
    setMessage(null);
    try {
      await callContact(campaignId, contactId);
      setMessage({ tone: 'ok', text: 'Call placed. Follow it in the activity feed.' });
    } catch (e) {
      setMessage({ tone: 'error', text: errorMessage(e) });
    } finally {
      setCalling(null);
    }
  };

  const campaign = data?.campaign;
  return (
    <section className="card table-card" aria-labelledby={`${id}-title`}>
      <div className="card-header">
        <h2 id={`${id}-title`}>
          Contacts {campaign && <span className="muted count">{campaign.contacts.totalCount}</span>}
        </h2>
        <div className="card-header-tools">
          <StatusSelect
            id={`${id}-status`}
            label="Contact status"
            hideLabel
            statuses={CONTACT_STATUSES}
            value={status}
            onChange={setStatus}
          />
          <button type="button" className="button button-ghost" onClick={() => void refetch()} disabled={loading}>
            Refresh
          </button>
        </div>
      </div>
      {message && (
        <p
          className={message.tone === 'ok' ? 'notice' : 'form-error'}
          role={message.tone === 'ok' ? 'status' : 'alert'}
        >
          {message.text}
        </p>
      )}
      {error && !campaign ? (
        <ErrorState error={error} onRetry={() => void refetch()} />
      ) : !data ? (
        <Loading label="Loading contacts…" />
      ) : !campaign ? (
        <EmptyState title="Campaign not found" />
      ) : campaign.contacts.nodes.length === 0 ? (
        status ? (
          <EmptyState title={`No ${humanize(status).toLowerCase()} contacts`} />
        ) : (
          <EmptyState
            title="No contacts yet"
            action={
              canOperate ? (
                <Link className="button button-primary" to={`/campaigns/${campaignId}/import`}>
                  Import contacts
                </Link>
              ) : undefined
            }
          >
            Paste or upload a CSV of phone numbers.
          </EmptyState>
        )
      ) : (
        <>
          <table className="table table-responsive">
            <thead>
              <tr>
                <th scope="col">Contact</th>
                <th scope="col">Phone</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Attempts
                </th>
                <th scope="col">Last outcome</th>
                <th scope="col">Next attempt</th>
                <th scope="col" className="num">
                  Priority
                </th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {campaign.contacts.nodes.map((contact) => (
                <ContactRow
                  key={contact.id}
                  contact={contact}
                  canCall={campaign.status !== 'CANCELLED'}
                  showCall={canOperate}
                  calling={calling === contact.id}
                  onCall={(contactId) => void onCall(contactId)}
                />
              ))}
            </tbody>
          </table>
          {campaign.contacts.pageInfo.hasNextPage && (
            <div className="table-footer">
              <button
                type="button"
                className="button"
                disabled={loadingMore}
                onClick={async () => {
                  setLoadingMore(true);
                  try {
                    await fetchMore({ variables: { after: campaign.contacts.pageInfo.endCursor } });
                  } finally {
                    setLoadingMore(false);
                  }
                }}
              >
                {loadingMore ? 'Loading…' : 'Load more'}
              </button>
            </div>
          )}
        </>
      )}
    </section>
  );
}
