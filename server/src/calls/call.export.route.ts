import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import { stringify } from 'csv-stringify';
import type { HttpRoute } from '../http/route';
import { noteOrganization } from '../http/request-log';
import { createRequestContext, requireUser } from '../context';
import { AppError, ErrorCode } from '../errors';
import { logger } from '../logger';
import { bearerToken } from '../users/auth.token';
import { authenticateBearer } from '../users/auth.principal';
import { CALL_EXPORT_COLUMNS, parseCallExportFilter, prepareCallExport } from './call.export';

/** A file name safe in a Content-Disposition header. */
const fileName = (name: string) =>
  `${
    name
      .normalize('NFKD')
      .replace(/[^\w-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .toLowerCase()
      .slice(0, 80) || 'calls'
  }.csv`;

/**
 * `GET /api/calls.csv` (every campaign of the caller's organization) and
 * `GET /api/campaigns/:id/calls.csv` (one campaign): the calls as CSV, streamed from a MongoDB
 * cursor, so an export of millions of calls holds one batch in memory. Query: `status`
 * (repeated or comma-separated), `from`, `to` (ISO 8601 on startedAt), `campaignId`. Bearer
 * token in `Authorization`. `X-Export-Rows` says how many rows to expect (progress bars).
 * CSV by csv-stringify (https://csv.js.org/stringify/options/), with `escape_formulas` so a
 * cell cannot run as a spreadsheet formula (CSV injection).
 */
export const callExportRoute: HttpRoute = (app, services) => {
  const handler = async (req: Request, res: Response) => {
    const token = bearerToken(req.headers.authorization);
    if (!token) throw new AppError(ErrorCode.UNAUTHENTICATED, 'Send "Authorization: Bearer <token>"');
    const user = await authenticateBearer(services.config, token);
    noteOrganization(res, user.organizationId);
    const requestId = typeof req.id === 'string' ? req.id : '';
    const ctx = createRequestContext(services, user, requestId, logger.child({ requestId }));
    const { organizationId } = requireUser(ctx, 'VIEWER');
    const campaignParam = req.params['id'] as string | undefined;
    const filter = parseCallExportFilter(req.query as Record<string, unknown>, campaignParam);
    const exported = await prepareCallExport(organizationId, filter);
    res.status(200);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${fileName(exported.name)}"`);
    res.setHeader('X-Export-Rows', String(exported.rows));
    res.setHeader('Cache-Control', 'no-store');
    // Errors past this point cannot change the status: the stream is cut, so the client
    // sees an incomplete download (fewer rows than X-Export-Rows) instead of a silent success.
    try {
      await pipeline(
        Readable.from(exported.rows$),
        stringify({
          header: true,
          columns: [...CALL_EXPORT_COLUMNS],
          escape_formulas: true,
          record_delimiter: 'windows',
        }),
        res,
      );
    } catch (error) {
      // A client that went away (closed tab, cancelled download) is not an error of ours.
      if ((error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') {
        logger.error({ err: error, requestId }, 'calls export failed');
      }
      res.destroy();
    }
  };
  app.get('/api/calls.csv', handler);
  app.get('/api/campaigns/:id/calls.csv', handler);
};
