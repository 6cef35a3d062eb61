import express from 'express';
import type { Request } from 'express';
import type { HttpRoute } from '../http/routes';
import { webhookHandled, webhookResultOf } from '../metrics';
import { PROVIDERS } from '../phones/phone.model';

type WithRawBody = Request & { rawBody?: Buffer };

// Signatures cover the exact bytes received: keep them beside the parsed body.
const keepRawBody = (req: unknown, _res: unknown, buf: Buffer) => {
  (req as WithRawBody).rawBody = buf;
};

/**
 * `POST /webhooks/:provider`: provider status callbacks (form-encoded or JSON). Only translates
 * HTTP to `dispatcher.handleWebhook`, which checks the call's token and the signature.
 */
export const webhookRoute: HttpRoute = (app, services) => {
  app.post(
    '/webhooks/:provider',
    express.urlencoded({ extended: false, limit: '256kb', verify: keepRawBody }),
    express.json({ limit: '256kb', verify: keepRawBody }),
    async (req, res, next) => {
      const name = String(req.params['provider']).toUpperCase();
      const provider = (PROVIDERS as readonly string[]).includes(name) ? name : 'other';
      try {
        const { dispatcher } = services;
        // Providers sign the URL they called: our public base plus the path and query we gave them.
        const url = `${dispatcher.publicBaseUrl().replace(/\/$/, '')}${req.originalUrl}`;
        const result = await dispatcher.handleWebhook(String(req.params['provider']), {
          method: req.method,
          url,
          headers: req.headers,
          body: (req.body ?? {}) as Record<string, unknown>,
          rawBody: (req as WithRawBody).rawBody ?? Buffer.alloc(0),
        });
        webhookHandled(provider, webhookResultOf(result.status, result.body));
        res.status(result.status).json(result.body);
      } catch (error) {
        webhookHandled(provider, 'error');
        next(error);
      }
    },
  );
};

/** `/simulator`: the built-in simulated provider's API (see providers/simulated/simulator.ts). */
export const simulatorRoute: HttpRoute = (app, services) => {
  app.use('/simulator', services.dispatcher.simulator.router());
};
