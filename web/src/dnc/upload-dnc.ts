import { UploadError } from '../contacts/upload-contacts';
import type { RejectedRow } from '../contacts/upload-contacts';

/** What the API reports after a do-not-call CSV import (`POST /api/dnc.csv`). */
export interface DoNotCallImportReport {
  added: number;
  /** Valid rows whose number was listed already (or earlier in the file). */
  alreadyListed: number;
  rejected: RejectedRow[];
  rejectedCount: number;
  totalRows: number;
  /** The file had more rows than one import reads; the rest were not read. */
  truncated: boolean;
  /** The file could not be read to its end; the rows before the break were added. */
  error: string | null;
}

export interface UploadDoNotCallOptions {
  /** The chosen file, sent byte for byte: the API detects its encoding. */
  csv: Blob;
  token: string | null;
  signal?: AbortSignal;
  /** Base URL of the API. Default: this origin. */
  baseUrl?: string;
}

/**
 * Sends a CSV of numbers to `POST /api/dnc.csv`. fetch, not XMLHttpRequest as the contacts
 * import: lists of numbers are small files, and a progress bar would only flash.
 */
export async function uploadDoNotCallCsv({
  csv,
  token,
  signal,
  baseUrl = '',
}: UploadDoNotCallOptions): Promise<DoNotCallImportReport> {
  let response: Response;
  try {
    response = await fetch(`${baseUrl}/api/dnc.csv`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/csv', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: csv,
      signal,
    });
  } catch {
    throw new UploadError('Cannot reach the Dialwave API. Check your connection and try again.', 0);
  }
  const body: unknown = await response.json().catch(() => null);
  if (response.ok && isReport(body)) return body;
  const error = (body as { error?: { message?: string; code?: string } } | null)?.error;
  throw new UploadError(error?.message ?? `The import failed (HTTP ${response.status}).`, response.status, error?.code);
}

function isReport(body: unknown): body is DoNotCallImportReport {
  const report = body as Partial<DoNotCallImportReport> | null;
  return typeof report?.added === 'number' && Array.isArray(report.rejected);
}
