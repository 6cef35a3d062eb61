import type { Request, Response } from 'express';
import type { HttpRoute } from '../http/route';
import { AppError, ErrorCode } from '../errors';
import { noteOrganization } from '../http/request-log';
import { bearerToken } from '../users/auth.token';
import { authenticateBearer } from '../users/auth.principal';
import { createRequestContext, requireUser } from '../context';
import { logger } from '../logger';
import { importDoNotCallCsv } from './dnc.import';
import { sourceOf } from './dnc.service';

const CSV_TYPES = new Set(['text/csv', 'application/csv', 'text/plain', 'application/vnd.ms-excel']);

/**
 * `POST /api/dnc.csv`: streams a CSV of numbers onto the organization's do-not-call list
 * (OPERATOR or ADMIN, as `addDoNotCall`). Bearer token in `Authorization`, `Content-Type:
 * text/csv`. Replies with the report as JSON. Only translates: the import is dnc.import.ts.
 */
export const dncImportRoute: HttpRoute = (app, services) => {
  app.post('/api/dnc.csv', async (req: Request, res: Response) => {
    try {
      await handle(req, res);
    } finally {
      // An unread rest of the body cannot be followed by another request on this connection
      // (with keep-alive the client's next request waited behind it): close it.
      if (!req.readableEnded && !res.headersSent) res.setHeader('Connection', 'close');
    }
  });

  async function handle(req: Request, res: Response): Promise<void> {
    const token = bearerToken(req.headers.authorization);
    if (!token) throw new AppError(ErrorCode.UNAUTHENTICATED, 'Send "Authorization: Bearer <token>"');
    const user = await authenticateBearer(services.config, token);
    noteOrganization(res, user.organizationId);
    const requestId = typeof req.id === 'string' ? req.id : String(req.headers['x-request-id'] ?? '');
    const ctx = createRequestContext(services, user, requestId, logger.child({ requestId }));
    const caller = requireUser(ctx, 'OPERATOR');
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (!CSV_TYPES.has(type)) {
      if (!req.readableEnded) res.setHeader('Connection', 'close');
      res.status(415).json({ error: { code: 'BAD_USER_INPUT', message: 'Send the file with Content-Type: text/csv' } });
      return;
    }
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
  }
};
