/** Progress of a download: rows received so far, and how many the server said to expect. */
export interface ExportProgress {
  rows: number;
  /** From the server's X-Export-Rows header; null when it sent none. */
  total: number | null;
}

export interface DownloadCsvOptions {
  /** The export route, e.g. /api/campaigns/<id>/calls.csv?status=FAILED. */
  url: string;
  /** Bearer token (a download link could not send it, so the page fetches). */
  token: string | null;
  onProgress?: (progress: ExportProgress) => void;
  signal?: AbortSignal;
}

/**
 * Fetches a server-streamed CSV export, reporting rows as they arrive, and returns it as a
 * Blob for the browser to save. Rows are counted by line ends (a row whose cell holds a line
 * break counts twice, so the count is capped at the expected total). A refused export throws
 * the server's message.
 */
export async function downloadCsv({ url, token, onProgress, signal }: DownloadCsvOptions): Promise<Blob> {
  const response = await fetch(url, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    ...(signal ? { signal } : {}),
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new Error(body?.error?.message ?? `The export failed (HTTP ${response.status}). Try again.`);
  }
  const header = response.headers.get('x-export-rows');
  const total = header !== null && /^\d+$/.test(header) ? Number(header) : null;
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let lines = 0;
  onProgress?.({ rows: 0, total });
  if (response.body) {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value as Uint8Array<ArrayBuffer>);
      for (const byte of value) if (byte === 10) lines += 1;
      const rows = Math.max(0, lines - 1); // the header line
      onProgress?.({ rows: total === null ? rows : Math.min(rows, total), total });
    }
  }
  return new Blob(chunks, { type: 'text/csv;charset=utf-8' });
}
