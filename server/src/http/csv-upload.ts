import type { Express, Request, Response } from 'express';
import type { AppServices } from '../context';
import type { AuthUser } from '../users/auth.token';
import { createRequestContext, requireUser } from '../context';
import type { Role } from '../users/user.model';
import { AppError, ErrorCode } from '../errors';
import { noteOrganization } from './request-log';
import { logger } from '../logger';
import { bearerToken } from '../users/auth.token';
import { authenticateBearer } from '../users/auth.principal';

const CSV_TYPES = new Set(['text/csv', 'application/csv', 'text/plain', 'application/vnd.ms-excel']);

/**
 * Mounts `POST path` for a CSV file upload (the contacts import, the do-not-call import): a
 * bearer token (a user's or an API key) of at least `role`, and `Content-Type: text/csv` (415
 * otherwise). `handle` gets the caller and reads the body. Whatever the answer (a report, or a
 * 400/401/415 before the file was read to its end), a body not read to its end closes the
 * connection: with keep-alive the client's next request waited behind it and was reset.
 */
export function mountCsvUpload(
  app: Express,
  services: AppServices,
  path: string,
  role: Role,
  handle: (req: Request, res: Response, caller: AuthUser) => Promise<void>,
): void {
  app.post(path, async (req: Request, res: Response) => {
    try {
      const token = bearerToken(req.headers.authorization);
      if (!token) throw new AppError(ErrorCode.UNAUTHENTICATED, 'Send "Authorization: Bearer <token>"');
      const user = await authenticateBearer(services.config, token);
      noteOrganization(res, user.organizationId);
      const requestId = typeof req.id === 'string' ? req.id : String(req.headers['x-request-id'] ?? '');
      const caller = requireUser(createRequestContext(services, user, requestId, logger.child({ requestId })), role);
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (!CSV_TYPES.has(type)) {
        if (!req.readableEnded) res.setHeader('Connection', 'close');
        res
          .status(415)
          .json({ error: { code: 'BAD_USER_INPUT', message: 'Send the file with Content-Type: text/csv' } });
        return;
      }
      await handle(req, res, caller);
    } finally {
      if (!req.readableEnded && !res.headersSent) res.setHeader('Connection', 'close');
    }
  });
}
