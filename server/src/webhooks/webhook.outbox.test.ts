import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Router } from 'express';
import type { Redis } from 'ioredis';
import type { Types } from 'mongoose';
import { startApp } from '../app';
import type { AppHandle } from '../app';
import { createRedis, freePort } from '../redis';
import { startTestInfra, testConfig } from '../test/harness';
import type { TestInfra } from '../test/harness';
import { WebhookReceiver } from '../test/webhook-receiver';
import { CallModel } from '../calls/call.model';
import { campaignStatus, createFixture, waitFor } from '../dispatch/test-fixtures';
import { WebhookMessageModel, WebhookOutboxModel } from './webhook.model';
import { enqueueWebhookEvent } from './webhook.outbox';
import { createWebhookQueue, enqueueWith } from './webhook.queue';
import { startWebhookRelay } from './webhook.relay';
import type { WebhookRelay } from './webhook.relay';
import { createEndpoint, deleteEndpoint } from './webhook.service';

/**
 * The outbox: webhook events written beside the state they report, relayed by API processes.
 * One worker process (ROLE=worker) dials throughout; the provider is its simulator served by a
 * plain HTTP server, and PUBLIC_URL points where nothing listens, so no API process exists: the
 * provider's status webhooks fail and calls end through the worker's own look-ups
 * (dispatch/reconcile.ts), as they would while every API instance is down. The tests run in
 * order: the last one starts an API process (which runs the relay) and it stays up.
 */
const ENV = {
  WEBHOOK_ALLOW_LOOPBACK: 'true',
  WEBHOOK_RETRY_SCHEDULE_MS: '50,50,50',
  CALL_RECONCILE_SECONDS: '1',
  DISPATCH_SWEEP_INTERVAL_MS: '200',
};
const FAST = { minDurationMs: 30, maxDurationMs: 60 };

let infra: TestInfra;
let provider: Server;
let worker: AppHandle;
let api: AppHandle | null = null;

beforeAll(async () => {
  infra = await startTestInfra();
  let simulator: Router | null = null;
  const providerApp = express();
  providerApp.use('/simulator', (req, res, next) => {
    if (simulator) simulator(req, res, next);
    else res.status(503).end();
  });
  provider = createServer(providerApp);
  await new Promise<void>((r) => provider.listen(0, '127.0.0.1', () => r()));
  const providerUrl = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;
  worker = await startApp({
    config: testConfig(infra, {
      ...ENV,
      ROLE: 'worker',
      SIMULATOR_URL: providerUrl,
      PUBLIC_URL: `http://127.0.0.1:${await freePort()}`,
    }),
    mongoUri: infra.mongoUri,
    redisUrl: infra.redisUrl,
  });
  simulator = worker.services.dispatcher.simulator.router();
}, 120_000);

afterAll(async () => {
  await api?.stop();
  await worker?.stop();
  provider?.closeAllConnections();
  await new Promise((r) => provider?.close(r));
  await infra?.stop();
});

const outboxOf = (organizationId: Types.ObjectId, extra: Record<string, unknown> = {}) =>
  WebhookOutboxModel.countDocuments({ organizationId, ...extra });

async function runToCompletion(f: { orgId: string; campaignId: string }) {
  await worker.services.lifecycle.startCampaign(f.orgId, f.campaignId);
  await waitFor('campaign completed', async () => (await campaignStatus(f.campaignId)) === 'COMPLETED', 30_000);
}

describe('the webhook outbox', () => {
  it('writes nothing when no endpoint subscribes to the event', async () => {
    const quiet = await createFixture({ contacts: 3, settings: { concurrentCallsLimit: 3 }, simulation: FAST });
    const partial = await createFixture({ contacts: 3, settings: { concurrentCallsLimit: 3 }, simulation: FAST });
    const { endpoint } = await createEndpoint(worker.services.config, partial.orgId, {
      url: 'http://127.0.0.1:9/never',
      events: ['campaign.completed'],
    });
    await Promise.all([runToCompletion(quiet), runToCompletion(partial)]);
    await waitFor('the completion written', async () => (await outboxOf(partial.organizationId)) === 1);
    expect(await outboxOf(quiet.organizationId)).toBe(0);
    expect(await WebhookOutboxModel.distinct('type', { organizationId: partial.organizationId })).toEqual([
      'campaign.completed',
    ]);
    // Gone before the API process of the last test starts: its relay then records nothing for it.
    await deleteEndpoint(partial.orgId, String(endpoint._id));
  });

  it('delivers once when a relay dies between recording an event and marking it relayed', async () => {
    const f = await createFixture({ contacts: 1 });
    const { config, redis } = worker.services;
    const queue = createWebhookQueue(redis, config.redisPrefix);
    const deps = { config, enqueue: enqueueWith(queue) };
    const connections: Redis[] = [];
    const connect = () => {
      const c = createRedis(infra.redisUrl);
      connections.push(c);
      return c;
    };
    const receiver = new WebhookReceiver();
    const relays: WebhookRelay[] = [];
    try {
      const url = await receiver.start();
      receiver.secret = (await createEndpoint(config, f.orgId, { url, events: ['campaign.status_changed'] })).secret;
      const dedupeKey = `test:crash:${f.campaignId}`;
      const data = { campaignId: f.campaignId, status: 'PAUSED' };
      expect(await enqueueWebhookEvent(f.orgId, 'campaign.status_changed', dedupeKey, data)).toBe(true);
      // The same event written twice is one document.
      expect(await enqueueWebhookEvent(f.orgId, 'campaign.status_changed', dedupeKey, data)).toBe(false);

      const options = { redis: connect(), prefix: config.redisPrefix, deps, pollMs: 50, leaseMs: 500 };
      // The first relay records the event, then dies before marking it: its lease lapses by itself.
      let crashed = false;
      let first: WebhookRelay | null = null;
      first = await startWebhookRelay({
        ...options,
        subscriber: connect(),
        afterRecord: async () => {
          crashed = true;
          await first?.close({ force: true });
          throw new Error('relay killed');
        },
      });
      relays.push(first);
      await waitFor('the first relay crashed', () => crashed);
      await receiver.until(() => receiver.received.length === 1);
      expect(await WebhookOutboxModel.countDocuments({ dedupeKey, relayedAt: null })).toBe(1);

      // Another API process's relay takes over once the lease lapses and records it again.
      relays.push(await startWebhookRelay({ ...options, redis: connect(), subscriber: connect() }));
      await waitFor(
        'relayed',
        async () => (await WebhookOutboxModel.countDocuments({ dedupeKey, relayedAt: null })) === 0,
      );
      await new Promise((r) => setTimeout(r, 300));
      expect(receiver.received).toHaveLength(1);
      expect(receiver.received[0]!.verified).toBe(true);
      expect(receiver.received[0]!.json).toMatchObject({ type: 'campaign.status_changed', data });
      expect(await WebhookMessageModel.countDocuments({ dedupeKey })).toBe(1);
    } finally {
      for (const relay of relays) await relay.close();
      await queue.close();
      for (const c of connections) c.disconnect();
      await receiver.stop();
    }
  });

  it('delivers the events produced while no API process ran once one starts', async () => {
    const f = await createFixture({ contacts: 3, settings: { concurrentCallsLimit: 3 }, simulation: FAST });
    const receiver = new WebhookReceiver();
    try {
      const url = await receiver.start();
      receiver.secret = (
        await createEndpoint(worker.services.config, f.orgId, {
          url,
          events: ['call.ended', 'campaign.status_changed', 'campaign.completed'],
        })
      ).secret;
      await runToCompletion(f);
      // 3 × call.ended, DRAFT → ACTIVE, ACTIVE → COMPLETED, campaign.completed.
      await waitFor('six events written', async () => (await outboxOf(f.organizationId)) === 6);
      expect(await outboxOf(f.organizationId, { relayedAt: { $ne: null } })).toBe(0);
      expect(receiver.received).toHaveLength(0);

      api = await startApp({
        config: testConfig(infra, { ...ENV, ROLE: 'api' }),
        mongoUri: infra.mongoUri,
        redisUrl: infra.redisUrl,
      });
      await receiver.until(() => receiver.received.length >= 6);
      await waitFor('all relayed', async () => (await outboxOf(f.organizationId, { relayedAt: null })) === 0);
      await new Promise((r) => setTimeout(r, 300));
      expect(receiver.received).toHaveLength(6);
      expect(receiver.received.every((r) => r.verified)).toBe(true);
      expect(new Set(receiver.received.map((r) => r.id)).size).toBe(6);
      const statuses = receiver
        .ofType('campaign.status_changed')
        .map((r) => `${r.json.data.previousStatus}->${r.json.data.status}`);
      expect(statuses).toEqual(['DRAFT->ACTIVE', 'ACTIVE->COMPLETED']);
      expect(receiver.ofType('campaign.completed')[0]!.json.data.stats).toMatchObject({
        totalContacts: 3,
        completedCalls: 3,
        progress: 100,
      });
      const ended = receiver.ofType('call.ended').map((r) => r.json.data);
      expect(ended).toHaveLength(3);
      for (const d of ended) {
        // The contact's status after the call, as the engine wrote it; the call as stored.
        expect(d).toMatchObject({ outcome: 'COMPLETED', disposition: 'COMPLETED' });
        const stored = await CallModel.findById(d.call.id).lean();
        expect(d.call).toMatchObject({ status: 'COMPLETED', contactId: String(stored?.contactId) });
        expect(d.contact.id).toBe(String(stored?.contactId));
      }
    } finally {
      await receiver.stop();
    }
  });

  it('sends contact.opted_out recorded with enqueueWebhookEvent, once per key', async () => {
    const f = await createFixture({ contacts: 1 });
    const receiver = new WebhookReceiver();
    try {
      const url = await receiver.start();
      receiver.secret = (
        await createEndpoint(worker.services.config, f.orgId, { url, events: ['contact.opted_out'] })
      ).secret;
      const contactId = String(f.contactIds[0]);
      const data = { contactId, campaignId: f.campaignId, phoneNumber: '+12025550000', reason: 'asked on the call' };
      const key = `contact.opted_out:${contactId}`;
      expect(await enqueueWebhookEvent(f.orgId, 'contact.opted_out', key, data)).toBe(true);
      expect(await enqueueWebhookEvent(f.orgId, 'contact.opted_out', key, data)).toBe(false);
      // Not subscribed to it: nothing written.
      expect(await enqueueWebhookEvent(f.orgId, 'call.ended', `x:${contactId}`, data)).toBe(false);
      await receiver.until(() => receiver.received.length === 1);
      expect(receiver.received[0]!.json).toMatchObject({ type: 'contact.opted_out', data });
      expect(receiver.received[0]!.verified).toBe(true);
      await new Promise((r) => setTimeout(r, 300));
      expect(receiver.received).toHaveLength(1);
    } finally {
      await receiver.stop();
    }
  });
});
