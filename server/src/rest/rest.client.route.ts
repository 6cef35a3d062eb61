import { Router } from 'express';
import type { AppServices } from '../context';
import { requireUser } from '../context';
import { getCampaign, updateCampaign } from '../campaigns/campaign.service';
import { SETTINGS_LIMITS } from '../campaigns/campaign.settings';
import { campaignStats } from '../campaigns/campaign.stats';
import { ContactModel } from '../contacts/contact.model';
import { badInput } from '../errors';
import { integer } from '../validation';
import { restHandler } from './rest.http';
import { bodyOf } from './rest.views';

/**
 * The sequential design's `/api/v1/client/campaigns/:id/…` routes
 * (../docs/older-designs/sequential-design.md), on the same services and dispatcher.
 */

/** The sequential design's default pause between calls. */
export const DEFAULT_DELAY_BETWEEN_CALLS_MS = 2000;
/** The longest pause we can express: callsPerMinute has a floor of 1. */
export const MAX_DELAY_BETWEEN_CALLS_MS = 60_000;

/**
 * `delayBetweenCalls` (ms) as campaign pacing: the old design dialled one contact at a time and
 * waited `delayBetweenCalls` before the next, so the campaign gets one line
 * (`concurrentCallsLimit: 1`) and a start rate of 60000 / delay calls a minute (clamped to
 * 1…600; 0 means no pacing). The rate spaces call *starts*, where the old design waited after
 * each call *ended*: with one line a new call still never starts before the last one ended.
 */
export function pacingFor(delayMs: number): { concurrentCallsLimit: number; callsPerMinute: number | null } {
  if (delayMs === 0) return { concurrentCallsLimit: 1, callsPerMinute: null };
  const { min, max } = SETTINGS_LIMITS.callsPerMinute;
  return { concurrentCallsLimit: 1, callsPerMinute: Math.min(max, Math.max(min, Math.round(60_000 / delayMs))) };
}

const optionalId = (body: Record<string, unknown>, field: string): string | undefined => {
  const value = body[field];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw badInput(field, 'must be a string id');
  return value;
};

export function clientRouter(services: AppServices): Router {
  const router = Router();

  router.post(
    '/client/campaigns/:id/start-calling',
    restHandler(services, async (ctx, req) => {
      const { organizationId } = requireUser(ctx, 'OPERATOR');
      const id = String(req.params['id']);
      const body = bodyOf(req.body);
      const delay =
        body['delayBetweenCalls'] === undefined
          ? DEFAULT_DELAY_BETWEEN_CALLS_MS
          : integer('delayBetweenCalls', body['delayBetweenCalls'], 0, MAX_DELAY_BETWEEN_CALLS_MS);
      const agentId = optionalId(body, 'agentId');
      await updateCampaign(ctx.services, organizationId, id, {
        ...(agentId ? { agentId } : {}),
        settings: pacingFor(delay),
      });
      const campaign = await ctx.services.lifecycle.startCampaign(organizationId, id);
      return [
        200,
        {
          success: true,
          message: 'Campaign calling started',
          data: { campaignId: id, totalContacts: campaignStats(campaign).totalContacts, status: 'started' },
        },
      ];
    }),
  );

  router.post(
    '/client/campaigns/:id/stop-calling',
    restHandler(services, async (ctx, req) => {
      const { organizationId } = requireUser(ctx, 'OPERATOR');
      const id = String(req.params['id']);
      await ctx.services.lifecycle.pauseCampaign(organizationId, id);
      return [200, { success: true, message: 'Campaign calling stopped', data: { campaignId: id, status: 'stopped' } }];
    }),
  );

  router.get(
    '/client/campaigns/:id/calling-status',
    restHandler(services, async (ctx, req) => {
      const campaign = await getCampaign(requireUser(ctx).organizationId, String(req.params['id']));
      const id = String(campaign._id);
      const s = campaignStats(campaign);
      const isRunning = campaign.status === 'ACTIVE';
      // The old design counted contacts it had finished with: ours are the final states.
      const done = s.completedCalls + s.failedCalls + s.voicemailCalls + s.skippedContacts;
      return [
        200,
        {
          success: true,
          data: {
            campaignId: id,
            isRunning,
            totalContacts: s.totalContacts,
            progress: {
              campaignId: id,
              totalContacts: s.totalContacts,
              currentIndex: done,
              completedCalls: done,
              successfulCalls: s.completedCalls,
              failedCalls: s.failedCalls + s.voicemailCalls + s.skippedContacts,
              startTime: campaign.startedAt ? campaign.startedAt.toISOString() : null,
              isRunning,
              lastCallTime: campaign.lastCallAt ? campaign.lastCallAt.toISOString() : null,
            },
          },
        },
      ];
    }),
  );

  router.post(
    '/client/campaigns/:id/make-call',
    restHandler(services, async (ctx, req) => {
      const { organizationId } = requireUser(ctx, 'OPERATOR');
      const id = String(req.params['id']);
      const body = bodyOf(req.body);
      const contactId = optionalId(body, 'contactId');
      if (!contactId) throw badInput('contactId', 'is required');
      const agentId = optionalId(body, 'agentId');
      if (agentId) {
        // The call speaks with the campaign's agent: one given must be that one.
        const campaign = await getCampaign(organizationId, id);
        if (String(campaign.agentId) !== agentId) throw badInput('agentId', "is not this campaign's agent");
      }
      const call = await ctx.services.dispatcher.callContact(organizationId, id, contactId);
      const contact = await ContactModel.findById(call.contactId).select({ name: 1, phoneNumber: 1 }).lean().exec();
      return [
        200,
        {
          success: true,
          data: {
            success: true,
            uniqueId: String(call._id),
            contact: { _id: String(call.contactId), name: contact?.name ?? null, phone: contact?.phoneNumber ?? null },
            timestamp: call.startedAt.toISOString(),
            externalResponse: {
              provider: call.provider,
              providerCallId: call.providerCallId ?? null,
              status: call.status.toLowerCase(),
            },
          },
        },
      ];
    }),
  );
  return router;
}
