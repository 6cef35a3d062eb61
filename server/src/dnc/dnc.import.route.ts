import type { HttpRoute } from '../http/route';
import { mountCsvUpload } from '../http/csv-upload';
import { importDoNotCallCsv } from './dnc.import';
import { sourceOf } from './dnc.service';

/**
 * `POST /api/dnc.csv`: streams a CSV of numbers onto the organization's do-not-call list
 * (OPERATOR or ADMIN, as `addDoNotCall`). Bearer token in `Authorization`, `Content-Type:
 * text/csv`. Replies with the report as JSON. Only translates: the import is dnc.import.ts.
 */
export const dncImportRoute: HttpRoute = (app, services) =>
  mountCsvUpload(app, services, '/api/dnc.csv', 'OPERATOR', async (req, res, caller) => {
    // destroyOnReturn false: when the import stops early (row limit, bad CSV) the socket must
    // stay open for the reply.
    const body = req.iterator({ destroyOnReturn: false });
    const report = await importDoNotCallCsv(
      services.doNotCall,
      caller.organizationId,
      sourceOf(caller, 'CSV'),
      services.config.defaultCountry,
      body,
    );
    if (!req.readableEnded) res.setHeader('Connection', 'close');
    res.json(report);
  });
