import type { Express } from 'express';
import type { AppServices } from '../context';

/**
 * An HTTP route group mounted beside /graphql (webhooks, CSV import, metrics…). Route modules
 * import this file, not routes.ts, which imports them all (that would be an import cycle).
 */
export type HttpRoute = (app: Express, services: AppServices) => void;
