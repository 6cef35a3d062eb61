import type { Express } from 'express';
import type { AppServices } from '../context';
import { callExportRoute } from '../calls/call.export.route';
import { contactImportRoute } from '../contacts/contact.import.route';
import { simulatorRoute, webhookRoute } from '../dispatch/webhook.route';
import { restRoute } from '../rest/rest.routes';

/** An HTTP route group mounted beside /graphql (webhooks, CSV import, metrics…). */
export type HttpRoute = (app: Express, services: AppServices) => void;

/** Every route group of the API. Add a feature's routes here (one line each). */
export const httpRoutes: HttpRoute[] = [contactImportRoute, callExportRoute, webhookRoute, simulatorRoute, restRoute];
