import { Router } from 'express';
import type { AppServices } from '../context';
import { requireUser } from '../context';
import {
  createCampaign,
  deleteCampaign,
  getCampaign,
  listCampaigns,
  updateCampaign,
} from '../campaigns/campaign.service';
import type { SettingsFields } from '../campaigns/campaign.service';
import { campaignProgress, campaignStats } from '../campaigns/campaign.stats';
import { addContacts, listContacts } from '../contacts/contact.service';
import type { ContactFields } from '../contacts/contact.service';
import type { ContactStatus } from '../contacts/contact.model';
import { listCalls } from '../calls/call.list';
import type { CallStatus } from '../calls/call.model';
import type { CampaignStatus } from '../campaigns/campaign.model';
import { MAX_PAGE_SIZE } from '../pagination';
import { badInput } from '../errors';
import { restHandler } from './rest.http';
import { bodyOf, callJson, campaignJson, contactJson, intParam, queryParam, upper } from './rest.views';

/**
 * The queue design's `/api/v1/campaigns` routes (../docs/older-designs/queue-design.md), as a
 * thin translation onto the same services and dispatcher the GraphQL resolvers call: every
 * rule (limits, states, roles) lives there once.
 */

/** The settings object as the queue design sends it, priority mode in lower case. */
function settingsOf(value: unknown): SettingsFields | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw badInput('settings', 'must be a JSON object');
  const s = value as Record<string, unknown>;
  return {
    ...(s as SettingsFields),
    ...(s['priorityMode'] !== undefined ? { priorityMode: upper(s['priorityMode']) as never } : {}),
  };
}

const optionalString = (body: Record<string, unknown>, field: string): string | null | undefined => {
  const value = body[field];
  if (value === undefined || value === null) return value as undefined | null;
  if (typeof value !== 'string') throw badInput(field, 'must be a string');
  return value;
};

const page = (p: { hasNextPage: boolean; endCursor: string | null; totalCount: number }) => ({
  pageInfo: { hasNextPage: p.hasNextPage, endCursor: p.endCursor },
  totalCount: p.totalCount,
});

export function campaignsRouter(services: AppServices): Router {
  const router = Router();
  const ok = (data: unknown): { success: true; data: unknown } => ({ success: true, data });

  router.post(
    '/campaigns',
    restHandler(services, async (ctx, req) => {
      const { organizationId } = requireUser(ctx, 'OPERATOR');
      const body = bodyOf(req.body);
      const settings = settingsOf(body['settings']);
      const campaign = await createCampaign(ctx.services, organizationId, {
        name: body['name'] as string,
        description: optionalString(body, 'description'),
        agentId: body['agentId'] as string,
        phoneId: optionalString(body, 'phoneId'),
        ...(settings ? { settings } : {}),
      });
      return [201, ok(campaignJson(campaign))];
    }),
  );

  router.get(
    '/campaigns',
    restHandler(services, async (ctx, req) => {
      const { organizationId } = requireUser(ctx);
      const q = req.query as Record<string, unknown>;
      const status = queryParam(q, 'status');
      const result = await listCampaigns(organizationId, {
        status: status === undefined ? null : (upper(status) as CampaignStatus),
        search: queryParam(q, 'search') ?? null,
        first: intParam(q, 'limit', 1, MAX_PAGE_SIZE) ?? null,
        after: queryParam(q, 'after') ?? null,
      });
      return [200, { ...ok(result.nodes.map(campaignJson)), ...page(result) }];
    }),
  );

  router.get(
    '/campaigns/:id',
    restHandler(services, async (ctx, req) => {
      const campaign = await getCampaign(requireUser(ctx).organizationId, String(req.params['id']));
      return [200, ok(campaignJson(campaign))];
    }),
  );

  router.patch(
    '/campaigns/:id',
    restHandler(services, async (ctx, req) => {
      const { organizationId } = requireUser(ctx, 'OPERATOR');
      const body = bodyOf(req.body);
      const settings = settingsOf(body['settings']);
      const campaign = await updateCampaign(ctx.services, organizationId, String(req.params['id']), {
        name: optionalString(body, 'name'),
        ...(body['description'] !== undefined ? { description: optionalString(body, 'description') } : {}),
        agentId: optionalString(body, 'agentId'),
        phoneId: optionalString(body, 'phoneId'),
        ...(settings ? { settings } : {}),
      });
      return [200, ok(campaignJson(campaign))];
    }),
  );

  router.delete(
    '/campaigns/:id',
    restHandler(services, async (ctx, req) => {
      const id = String(req.params['id']);
      await deleteCampaign(ctx.services, requireUser(ctx, 'OPERATOR').organizationId, id);
      return [200, { success: true, message: 'Campaign deleted', data: { campaignId: id } }];
    }),
  );

  router.post(
    '/campaigns/:id/contacts',
    restHandler(services, async (ctx, req) => {
      const { organizationId } = requireUser(ctx, 'OPERATOR');
      const contacts = bodyOf(req.body)['contacts'];
      if (!Array.isArray(contacts)) throw badInput('contacts', 'must be an array of contacts');
      const result = await addContacts(
        ctx.services,
        organizationId,
        String(req.params['id']),
        contacts as ContactFields[],
      );
      return [201, ok(result)];
    }),
  );

  router.get(
    '/campaigns/:id/contacts',
    restHandler(services, async (ctx, req) => {
      const campaign = await getCampaign(requireUser(ctx).organizationId, String(req.params['id']));
      const q = req.query as Record<string, unknown>;
      const status = queryParam(q, 'status');
      const result = await listContacts(campaign._id, {
        status: status === undefined ? null : (upper(status) as ContactStatus),
        first: intParam(q, 'limit', 1, MAX_PAGE_SIZE) ?? null,
        after: queryParam(q, 'after') ?? null,
      });
      return [200, { ...ok(result.nodes.map(contactJson)), ...page(result) }];
    }),
  );

  router.get(
    '/campaigns/:id/calls',
    restHandler(services, async (ctx, req) => {
      const campaign = await getCampaign(requireUser(ctx).organizationId, String(req.params['id']));
      const q = req.query as Record<string, unknown>;
      const status = queryParam(q, 'status');
      const result = await listCalls(campaign._id, {
        status: status === undefined ? null : (upper(status) as CallStatus),
        first: intParam(q, 'limit', 1, MAX_PAGE_SIZE) ?? null,
        after: queryParam(q, 'after') ?? null,
      });
      return [200, { ...ok(result.nodes.map(callJson)), ...page(result) }];
    }),
  );

  router.get(
    '/campaigns/:id/stats',
    restHandler(services, async (ctx, req) => {
      const campaign = await getCampaign(requireUser(ctx).organizationId, String(req.params['id']));
      return [200, ok(campaignStats(campaign))];
    }),
  );

  // The queue design's documented response: `{campaign: {...stats}, queue: {...}}`, unwrapped.
  router.get(
    '/campaigns/:id/progress',
    restHandler(services, async (ctx, req) => {
      const progress = campaignProgress(await getCampaign(requireUser(ctx).organizationId, String(req.params['id'])));
      return [200, { campaign: progress.stats, queue: progress.queue }];
    }),
  );

  const lifecycle = {
    start: 'startCampaign',
    pause: 'pauseCampaign',
    resume: 'resumeCampaign',
    cancel: 'cancelCampaign',
    retry: 'retryFailedContacts',
  } as const;
  for (const [action, method] of Object.entries(lifecycle)) {
    router.post(
      `/campaigns/:id/${action}`,
      restHandler(services, async (ctx, req) => {
        const { organizationId } = requireUser(ctx, 'OPERATOR');
        const campaign = await ctx.services.lifecycle[method](organizationId, String(req.params['id']));
        return [200, ok(campaignJson(campaign))];
      }),
    );
  }
  return router;
}
