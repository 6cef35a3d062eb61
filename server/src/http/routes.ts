import type { HttpRoute } from './route';
import { callExportRoute } from '../calls/call.export.route';
import { contactImportRoute } from '../contacts/contact.import.route';
import { simulatorRoute } from '../dispatch/webhook.route';
import { dncImportRoute } from '../dnc/dnc.import.route';
import { restRoute } from '../rest/rest.routes';
import { importJobRoute } from '../imports/import-job.route';

/**
 * Every route group of the API. Add a feature's routes here (one line each). Provider webhooks
 * are not here: they are answered before express (`webhookListener`, app.ts).
 */
export const httpRoutes: HttpRoute[] = [
  contactImportRoute,
  dncImportRoute,
  importJobRoute,
  callExportRoute,
  simulatorRoute,
  restRoute,
];
