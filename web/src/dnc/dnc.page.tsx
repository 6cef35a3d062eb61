import { useEffect, useId, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useQuery } from '@apollo/client/react';
import { graphql } from '../gql';
import type { DoNotCallPageQuery as DoNotCallPageData } from '../gql/graphql';
import { errorMessage } from '../shell/errors';
import { formatCount } from '../shell/format';
import { EmptyState, ErrorState, Loading } from '../shell/states';
import { useCan } from '../settings/use-role';
import { DoNotCallRow } from './dnc-row';
import { AddNumbersForm, ImportNumbersCard } from './dnc-forms';
import { useRemoveDoNotCall } from './use-remove-dnc';

const PAGE_SIZE = 50;

const DoNotCallPageQuery = graphql(`
  query DoNotCallPage($search: String, $first: Int, $after: String) {
    doNotCallEntries(search: $search, first: $first, after: $after) {
      nodes {
        id
        ...DoNotCallRow_entry
      }
      pageInfo {
        hasNextPage
        endCursor
      }
      totalCount
    }
  }
`);

/** The search box's text, written to `?q=` after a pause in typing (one request per pause). */
function useSearchParam(): [string, string, (value: string) => void] {
  const [params, setParams] = useSearchParams();
  const search = params.get('q') ?? '';
  const [input, setInput] = useState(search);
  useEffect(() => {
    const timer = setTimeout(() => {
      if (input.trim() === search) return;
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          if (input.trim()) next.set('q', input.trim());
          else next.delete('q');
          return next;
        },
        { replace: true },
      );
    }, 300);
    return () => clearTimeout(timer);
  }, [input, search, setParams]);
  return [search, input, setInput];
}

/** "3 numbers", or "1 number matches" under a search. */
function countLine(count: number, search: string): string {
  const numbers = `${formatCount(count)} ${count === 1 ? 'number' : 'numbers'}`;
  return search ? `${numbers} ${count === 1 ? 'matches' : 'match'}` : numbers;
}

type Entries = DoNotCallPageData['doNotCallEntries'];

/** The entries with Remove (OPERATOR and ADMIN), and "Load more" while there are more. */
function EntriesTable({
  entries,
  canRemove,
  busy,
  onMore,
}: {
  entries: Entries;
  canRemove: boolean;
  busy: boolean;
  onMore(): void;
}) {
  const [remove] = useRemoveDoNotCall();
  const [removing, setRemoving] = useState<string | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);

  const onRemove = async (phoneNumber: string) => {
    if (!window.confirm(`Remove ${phoneNumber} from the do-not-call list? Campaigns may call it again.`)) return;
    setRemoving(phoneNumber);
    setRowError(null);
    try {
      await remove([phoneNumber]);
    } catch (e) {
      setRowError(errorMessage(e));
    } finally {
      setRemoving(null);
    }
  };

  return (
    <>
      {rowError && (
        <p className="form-error" role="alert">
          {rowError}
        </p>
      )}
      <table className="table table-responsive" aria-label="Do-not-call numbers">
        <thead>
          <tr>
            <th scope="col">Number</th>
            <th scope="col">Source</th>
            <th scope="col">Added</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {entries.nodes.map((entry) => (
            <DoNotCallRow
              key={entry.id}
              entry={entry}
              canRemove={canRemove}
              removing={removing === entry.phoneNumber}
              onRemove={(phoneNumber) => void onRemove(phoneNumber)}
            />
          ))}
        </tbody>
      </table>
      {entries.pageInfo.hasNextPage && (
        <div className="table-footer">
          <button type="button" className="button" disabled={busy} onClick={onMore}>
            {busy ? 'Loading…' : 'Load more'}
          </button>
        </div>
      )}
    </>
  );
}

/**
 * The organization's do-not-call list: search by the first digits, page, and (OPERATOR and
 * ADMIN) add numbers, remove them, or import a CSV. Each entry says where it came from.
 */
export function DoNotCallPage() {
  const canOperate = useCan('OPERATOR');
  const id = useId();
  const [search, searchInput, setSearchInput] = useSearchParam();
  const { data, error, loading, fetchMore, refetch } = useQuery(DoNotCallPageQuery, {
    variables: { search: search || null, first: PAGE_SIZE },
  });
  const [loadingMore, setLoadingMore] = useState(false);
  const entries = data?.doNotCallEntries;

  const loadMore = async () => {
    setLoadingMore(true);
    try {
      await fetchMore({ variables: { after: entries?.pageInfo.endCursor } });
    } finally {
      setLoadingMore(false);
    }
  };

  return (
    <section aria-labelledby={`${id}-title`}>
      <div className="page-header">
        <div>
          <h1 id={`${id}-title`}>Do not call</h1>
          <p className="muted">
            {entries ? countLine(entries.totalCount, search) : 'Numbers no campaign of your organization dials'}
          </p>
        </div>
      </div>
      <div className={canOperate ? 'grid grid-sidebar' : undefined}>
        <div className="card table-card">
          <div className="toolbar">
            <div className="field field-inline">
              <label htmlFor={`${id}-search`}>Search</label>
              <input
                id={`${id}-search`}
                type="search"
                inputMode="tel"
                placeholder="First digits, e.g. +44 20 or 415 555"
                value={searchInput}
                onChange={(event) => setSearchInput(event.target.value)}
              />
            </div>
          </div>
          {error && !entries ? (
            <ErrorState error={error} onRetry={() => void refetch()} title="Could not load the list" />
          ) : !entries ? (
            <Loading label="Loading the do-not-call list…" />
          ) : entries.nodes.length === 0 ? (
            search ? (
              <EmptyState title="No numbers match">Numbers are matched by their first digits.</EmptyState>
            ) : (
              <EmptyState title="The list is empty">
                Numbers added here, imported, or from contacts who opted out are never dialled.
              </EmptyState>
            )
          ) : (
            <EntriesTable
              entries={entries}
              canRemove={canOperate}
              busy={loadingMore || loading}
              onMore={() => void loadMore()}
            />
          )}
        </div>
        {canOperate && (
          <div className="stack">
            <AddNumbersForm />
            <ImportNumbersCard />
          </div>
        )}
      </div>
    </section>
  );
}
