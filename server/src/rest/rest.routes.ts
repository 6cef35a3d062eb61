import express, { Router } from 'express';
import type { Express } from 'express';
import type { AppServices } from '../context';
import { campaignsRouter } from './rest.campaigns.route';
import { clientRouter } from './rest.client.route';
import { openApiDocument } from './rest.openapi';
import { restParseErrors, sendError } from './rest.http';

/** Base path of the REST API. */
export const REST_BASE = '/api/v1';

/** The routers of /api/v1 (exported for the documented-equals-served check in rest.test.ts). */
export function restRouters(services: AppServices): Router[] {
  return [campaignsRouter(services), clientRouter(services)];
}

/** Mounts /api/v1: the older designs' routes, their OpenAPI document, and REST-shaped 404s. */
export function restRoute(app: Express, services: AppServices): void {
  const api = Router();
  api.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });
  // 6 MB like /graphql: 10,000 contacts with custom data fit.
  api.use(express.json({ limit: '6mb' }));
  for (const router of restRouters(services)) api.use(router);
  api.use(restParseErrors);
  api.use((req, res) => {
    sendError(res, 404, 'NOT_FOUND', `No route ${req.method} ${REST_BASE}${req.path}: see ${REST_BASE}/openapi.json`);
  });
  app.use(REST_BASE, api);
}
