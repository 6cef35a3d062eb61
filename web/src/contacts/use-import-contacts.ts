import { useCallback, useRef, useState } from 'react';
import Papa from 'papaparse';
import { useApolloClient } from '@apollo/client/react';
import { useSession } from '../session/session.context';
import { mapColumns, rowToContact } from './csv-mapping';
import { decodeCsvBytes } from './decode-csv';
import { useAddContacts } from './use-add-contacts';
import { graphql } from '../gql';
import type { ImportProgressSubscription as ImportProgressData } from '../gql/graphql';
import { UploadError, uploadContactsCsv } from './upload-contacts';
import type { ImportReport } from './upload-contacts';

/** An import job's state as `importProgress` streams it. */
export type ImportJobProgress = ImportProgressData['importProgress'];

export type ImportState =
  | { phase: 'idle' }
  | { phase: 'uploading'; fraction: number }
  | { phase: 'processing' }
  /** The API runs the import as a job: its progress, live. */
  | { phase: 'importing'; job: ImportJobProgress }
  | { phase: 'done'; report: ImportReport }
  | { phase: 'failed'; message: string };

const ImportProgressSubscription = graphql(`
  subscription ImportProgress($id: ID!) {
    importProgress(id: $id) {
      id
      status
      fileSize
      bytesRead
      rowsRead
      accepted
      duplicates
      rejected
      errors {
        row
        phoneNumber
        reason
      }
      truncated
      error
    }
  }
`);

/** A finished job's numbers in the report's shape (the page shows both the same way). */
export function jobReport(job: ImportJobProgress): ImportReport {
  return {
    accepted: job.accepted,
    duplicates: job.duplicates,
    rejected: job.errors.map(({ row, phoneNumber, reason }) => ({ row, phoneNumber, reason })),
    rejectedCount: job.rejected,
    totalRows: job.rowsRead,
    truncated: job.truncated,
    error: job.error ?? null,
  };
}

const FALLBACK_BATCH = 500;

/**
 * Imports a CSV into a campaign, with progress. Owns the cache update: the campaign's
 * cached contact lists are dropped and its page query (counters) refetched.
 */
export function useImportContacts(campaignId: string) {
  const client = useApolloClient();
  const { token } = useSession();
  const [addContacts] = useAddContacts();
  const [state, setState] = useState<ImportState>({ phase: 'idle' });
  const abort = useRef<AbortController | null>(null);

  /** The API without the CSV endpoint: parse here and send batches through GraphQL. */
  const importThroughGraphql = useCallback(
    async (text: string): Promise<ImportReport> => {
      const parsed = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ''), {
        header: true,
        skipEmptyLines: 'greedy',
        transformHeader: (h) => h.trim(),
      });
      const columns = mapColumns(parsed.meta.fields ?? []);
      const contacts = parsed.data.map((row) => rowToContact(row, columns));
      const report: ImportReport = {
        accepted: 0,
        duplicates: 0,
        rejected: [],
        totalRows: contacts.length,
        rejectedCount: 0,
      };
      for (let start = 0; start < contacts.length; start += FALLBACK_BATCH) {
        const result = await addContacts(campaignId, contacts.slice(start, start + FALLBACK_BATCH));
        report.accepted += result.accepted;
        report.duplicates += result.duplicates;
        // Row numbers as in the file: the header is row 1.
        report.rejected.push(
          ...result.rejected.map((r) => ({ row: start + r.index + 2, phoneNumber: r.phoneNumber, reason: r.reason })),
        );
        setState({ phase: 'uploading', fraction: Math.min(1, (start + FALLBACK_BATCH) / contacts.length) });
      }
      report.rejectedCount = report.rejected.length;
      return report;
    },
    [addContacts, campaignId],
  );

  /**
   * Follows an import job to its end through `importProgress` (its state at once, then at most
   * 4 updates a second), showing each; resolves its report, rejects with its error if it FAILED.
   */
  const followJob = useCallback(
    (id: string): Promise<ImportReport> =>
      new Promise((resolve, reject) => {
        const subscription = client.subscribe({ query: ImportProgressSubscription, variables: { id } }).subscribe({
          next: ({ data, error }) => {
            if (error) {
              subscription.unsubscribe();
              reject(error);
              return;
            }
            const job = data?.importProgress;
            if (!job) return;
            if (job.status === 'DONE' || job.status === 'FAILED') subscription.unsubscribe();
            if (job.status === 'DONE') resolve(jobReport(job));
            else if (job.status === 'FAILED') reject(new Error(job.error ?? 'The import failed.'));
            else setState({ phase: 'importing', job });
          },
          error: (error: unknown) => reject(error instanceof Error ? error : new Error(String(error))),
          complete: () =>
            reject(new Error('The import stopped reporting progress: reload the page to see its result.')),
        });
        abort.current?.signal.addEventListener('abort', () => {
          subscription.unsubscribe();
          reject(new Error('Stopped following the import; it goes on in the background.'));
        });
      }),
    [client],
  );

  /** `csv`: a chosen file (sent byte for byte: the API detects its encoding) or pasted text. */
  const start = useCallback(
    async (csv: Blob | string) => {
      abort.current = new AbortController();
      setState({ phase: 'uploading', fraction: 0 });
      try {
        let report: ImportReport;
        try {
          const answer = await uploadContactsCsv({
            campaignId,
            csv: typeof csv === 'string' ? new Blob([csv], { type: 'text/csv' }) : csv,
            token,
            respondAsync: true,
            signal: abort.current.signal,
            onProgress: (fraction) =>
              setState(fraction >= 1 ? { phase: 'processing' } : { phase: 'uploading', fraction }),
          });
          report = answer.kind === 'report' ? answer.report : await followJob(answer.importJobId);
        } catch (error) {
          if (error instanceof UploadError && error.status === 404 && error.code !== 'NOT_FOUND')
            report = await importThroughGraphql(
              typeof csv === 'string' ? csv : decodeCsvBytes(await csv.arrayBuffer()),
            );
          else throw error;
        }
        const campaign = client.cache.identify({ __typename: 'Campaign', id: campaignId });
        if (campaign) client.cache.evict({ id: campaign, fieldName: 'contacts' });
        // In the app the import page is nested in the campaign page, whose query is active.
        // Rendered alone (tests) there is nothing to refetch, and naming an inactive query warns.
        const pageActive = [...client.getObservableQueries('active')].some((q) => q.queryName === 'CampaignPage');
        if (pageActive) await client.refetchQueries({ include: ['CampaignPage'] });
        setState({ phase: 'done', report });
      } catch (error) {
        setState({ phase: 'failed', message: error instanceof Error ? error.message : String(error) });
      } finally {
        abort.current = null;
      }
    },
    [campaignId, client, followJob, importThroughGraphql, token],
  );

  const cancel = useCallback(() => abort.current?.abort(), []);
  const reset = useCallback(() => setState({ phase: 'idle' }), []);
  return { state, start, cancel, reset };
}
