/** One row the API refused, with its 1-based row number in the file (header = row 1). */
export interface RejectedRow {
  row: number;
  phoneNumber: string;
  reason: string;
}

/** What the API reports after importing a CSV. */
export interface ImportReport {
  accepted: number;
  duplicates: number;
  rejected: RejectedRow[];
  totalRows: number;
  rejectedCount: number;
  /** The file had more rows than the API reads in one import; the rest were not read. */
  truncated?: boolean;
  /** The file could not be read to its end (bad CSV); the rows before the break were imported. */
  error?: string | null;
}

/** An upload the API answered with an error (its JSON `{error: {code, message}}`). */
export class UploadError extends Error {
  override name = 'UploadError';
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
  ) {
    super(message);
  }
}

/**
 * What the API answered: the report of an import it ran while we waited, or (when asked with
 * `respondAsync` and the API runs import jobs) the job it queued, to follow with
 * `importProgress`.
 */
export type UploadResult = { kind: 'report'; report: ImportReport } | { kind: 'job'; importJobId: string };

export interface UploadContactsOptions {
  campaignId: string;
  csv: Blob | string;
  token: string | null;
  /**
   * Ask for an import job (`Prefer: respond-async`): the API answers 202 as soon as the file is
   * stored. An API without import jobs ignores the preference and answers the report. Default false.
   */
  respondAsync?: boolean;
  /** Upload progress, 0–1 (only while bytes are being sent). */
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
  /** Base URL of the API. Default: this origin. */
  baseUrl?: string;
}

/**
 * Sends a CSV to `POST /api/campaigns/:id/contacts.csv`. XMLHttpRequest rather than fetch:
 * fetch still has no upload progress events, and big files deserve a progress bar.
 */
export function uploadContactsCsv({
  campaignId,
  csv,
  token,
  onProgress,
  signal,
  respondAsync = false,
  baseUrl = '',
}: UploadContactsOptions): Promise<UploadResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${baseUrl}/api/campaigns/${encodeURIComponent(campaignId)}/contacts.csv`);
    xhr.setRequestHeader('Content-Type', 'text/csv');
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    if (respondAsync) xhr.setRequestHeader('Prefer', 'respond-async');
    // The file's name for the job list (RFC 6266 `filename*`, so any name survives the header).
    if (csv instanceof File)
      xhr.setRequestHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(csv.name)}`);
    xhr.responseType = 'text';
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress?.(event.loaded / event.total);
    };
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        // Not JSON (a proxy's error page): reported by status below.
      }
      if (xhr.status === 202 && isJob(body)) {
        resolve({ kind: 'job', importJobId: body.importJobId });
        return;
      }
      if (xhr.status >= 200 && xhr.status < 300 && isReport(body)) {
        resolve({ kind: 'report', report: body });
        return;
      }
      const error = (body as { error?: { message?: string; code?: string } } | null)?.error;
      reject(new UploadError(error?.message ?? `The import failed (HTTP ${xhr.status}).`, xhr.status, error?.code));
    };
    xhr.onerror = () =>
      reject(new UploadError('Cannot reach the Dialwave API. Check your connection and try again.', 0));
    xhr.onabort = () => reject(new UploadError('Import cancelled.', 0, 'ABORTED'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(csv);
  });
}

function isReport(body: unknown): body is ImportReport {
  const report = body as Partial<ImportReport> | null;
  return typeof report?.accepted === 'number' && Array.isArray(report.rejected);
}

function isJob(body: unknown): body is { importJobId: string } {
  return typeof (body as { importJobId?: unknown } | null)?.importJobId === 'string';
}
