import type { HttpRoute } from '../http/route';
import { mountCsvUpload } from '../http/csv-upload';
import { importContactsCsv } from './contact.import';

/**
 * Whether the client asked for an asynchronous answer (RFC 7240 `Prefer: respond-async`,
 * https://www.rfc-editor.org/rfc/rfc7240#section-4.1), among other preferences or not.
 */
export function prefersAsync(header: string | string[] | undefined): boolean {
  const values = Array.isArray(header) ? header : header ? [header] : [];
  return values.some((value) =>
    value.split(',').some((preference) => preference.split(';')[0]!.trim().toLowerCase() === 'respond-async'),
  );
}

/** The file name a `Content-Disposition: attachment; filename="…"` header gives, if any. */
function fileNameOf(header: string | undefined): string | null {
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(header ?? '');
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return match[1]!;
  }
}

/**
 * `POST /api/campaigns/:id/contacts.csv`: a CSV file (up to 1,000,000 rows) into a campaign.
 * Bearer token in `Authorization`, `Content-Type: text/csv`.
 *
 * Two answers. By default the file streams through the import and the reply is its report
 * (200), as it always was: a client written for that reads `accepted` from the body, and a
 * 202 would look to it like an import of nothing. A client that sends `Prefer: respond-async`
 * (the dashboard does) gets 202 as soon as the file is stored, with `{importJobId, status}`
 * and `Location: /api/import-jobs/<id>`; the import runs as a job on a worker, resumes after a
 * restart, and streams its progress (GraphQL `importProgress`). Only translates: the import
 * is contact.import.ts, the job imports/.
 */
export const contactImportRoute: HttpRoute = (app, services) =>
  mountCsvUpload(app, services, '/api/campaigns/:id/contacts.csv', 'OPERATOR', async (req, res, caller) => {
    const { organizationId } = caller;
    if (prefersAsync(req.headers.prefer)) {
      const job = await services.imports.create({
        organizationId,
        campaignId: String(req.params['id']),
        body: req,
        fileName: fileNameOf(req.headers['content-disposition']),
      });
      res
        .status(202)
        .location(`/api/import-jobs/${job.id}`)
        .set('Preference-Applied', 'respond-async')
        .json({ importJobId: job.id, status: job.status });
      return;
    }
    // destroyOnReturn false: when the import stops early (row limit, bad CSV) the socket
    // must stay open for the reply.
    const body = req.iterator({ destroyOnReturn: false });
    const report = await importContactsCsv(services, organizationId, String(req.params['id']), body);
    if (!req.readableEnded) res.setHeader('Connection', 'close');
    res.json(report);
  });
