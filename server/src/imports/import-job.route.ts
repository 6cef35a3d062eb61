import type { Request, Response } from 'express';
import type { HttpRoute } from '../http/route';
import { createRequestContext, requireUser } from '../context';
import { AppError, ErrorCode } from '../errors';
import { noteOrganization } from '../http/request-log';
import { logger } from '../logger';
import { bearerToken } from '../users/auth.token';
import { authenticateBearer } from '../users/auth.principal';
import { getImportJob } from './import-job.service';

/**
 * `GET /api/import-jobs/:id`: an import job as JSON (the `Location` of a 202 from the CSV
 * route), for HTTP clients that would rather poll than subscribe. `report` has the shape of
 * the synchronous import's answer. Only translates: the job is import-job.service.ts.
 */
export const importJobRoute: HttpRoute = (app, services) => {
  app.get('/api/import-jobs/:id', async (req: Request, res: Response) => {
    const token = bearerToken(req.headers.authorization);
    if (!token) throw new AppError(ErrorCode.UNAUTHENTICATED, 'Send "Authorization: Bearer <token>"');
    const user = await authenticateBearer(services.config, token);
    noteOrganization(res, user.organizationId);
    const ctx = createRequestContext(services, user, String(req.id ?? ''), logger);
    const { organizationId } = requireUser(ctx, 'VIEWER');
    const job = await getImportJob(organizationId, String(req.params['id']));
    res.json(job);
  });
};
