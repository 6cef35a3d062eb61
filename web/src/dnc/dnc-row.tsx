import { Link } from 'react-router';
import { graphql } from '../gql';
import type { DoNotCallRow_EntryFragment } from '../gql/graphql';
import { formatDateTime } from '../shell/format';

export const DoNotCallRowFragment = graphql(`
  fragment DoNotCallRow_entry on DoNotCallEntry {
    id
    phoneNumber
    createdAt
    source {
      kind
      callId
      campaignId
      apiKeyId
      apiKeyName
      user {
        id
        email
      }
      campaign {
        id
        name
      }
    }
  }
`);

type Source = DoNotCallRow_EntryFragment['source'];

/** Who added a key-made entry, in words: its name while the key exists. */
const keyWords = (source: Source) => (source.apiKeyName ? `API key “${source.apiKeyName}”` : 'an API key');

/** Where an entry came from, in words, with links to the call and campaign of an opt-out. */
export function DoNotCallSource({ source }: { source: Source }) {
  switch (source.kind) {
    case 'MANUAL':
      return <>{source.user ? `Added by ${source.user.email}` : 'Added by hand'}</>;
    case 'API':
      return <>Added through {keyWords(source)}</>;
    case 'CSV':
      // Neither a user nor a key: the user who sent it was removed since.
      return (
        <>
          {source.user
            ? `CSV import by ${source.user.email}`
            : source.apiKeyId
              ? `CSV import by ${keyWords(source)}`
              : 'CSV import'}
        </>
      );
    case 'OPT_OUT':
      return (
        <>
          Opted out
          {source.callId && (
            <>
              {' '}
              in <Link to={`/calls/${source.callId}`}>call …{source.callId.slice(-6)}</Link>
            </>
          )}
          {source.campaign ? (
            <>
              {' '}
              of campaign <Link to={`/campaigns/${source.campaign.id}`}>{source.campaign.name}</Link>
            </>
          ) : (
            source.campaignId && ' of a campaign since deleted'
          )}
        </>
      );
  }
}

export interface DoNotCallRowProps {
  entry: DoNotCallRow_EntryFragment;
  /** False for a VIEWER: no Remove button at all. */
  canRemove: boolean;
  removing: boolean;
  onRemove(phoneNumber: string): void;
}

/** One number on the list: when and how it came there, and Remove. */
export function DoNotCallRow({ entry, canRemove, removing, onRemove }: DoNotCallRowProps) {
  return (
    <tr>
      <td data-label="Number" className="mono">
        {entry.phoneNumber}
      </td>
      <td data-label="Source">
        <DoNotCallSource source={entry.source} />
      </td>
      <td data-label="Added">{formatDateTime(entry.createdAt)}</td>
      <td className="cell-action">
        {canRemove && (
          <button
            type="button"
            className="button button-small button-danger"
            aria-label={`Remove ${entry.phoneNumber}`}
            disabled={removing}
            onClick={() => onRemove(entry.phoneNumber)}
          >
            Remove
          </button>
        )}
      </td>
    </tr>
  );
}
