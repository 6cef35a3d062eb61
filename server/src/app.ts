import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import { GraphQLError } from 'graphql';
import type { Request, Response, NextFunction } from 'express';
import mongoose from 'mongoose';
import proxyaddr from 'proxy-addr';
import { expressMiddleware } from '@as-integrations/express5';
import type { Config } from './config';
import { within } from './deadline';
import { logger } from './logger';
import { checkEvictionPolicy, createRedis } from './redis';
import type { Redis } from 'ioredis';
import { EventPublisher } from './events';
import { buildAppSchema } from './schema/schema';
import { createApolloServer } from './http/graphql';
import { createRequestContext } from './context';
import type { AppServices } from './context';
import { bearerToken } from './users/auth.token';
import { authenticateBearer, revocationChannel } from './users/auth.principal';
import type { AuthUser } from './users/auth.token';
import { AppError, toGraphQLError } from './errors';
import { createDispatcher } from './dispatch/dispatch.service';
import { DoNotCallList } from './dnc/dnc.list';
import { OrganizationModel } from './organizations/organization.model';
import { UserModel } from './users/user.model';
import { AgentModel } from './agents/agent.model';
import { PhoneModel } from './phones/phone.model';
import { CampaignModel } from './campaigns/campaign.model';
import { ContactModel } from './contacts/contact.model';
import { CallModel } from './calls/call.model';
import { DoNotCallModel } from './dnc/dnc.model';
import { ApiKeyModel } from './apikeys/apikey.model';
import {
  WebhookAttemptModel,
  WebhookEndpointModel,
  WebhookMessageModel,
  WebhookOutboxModel,
} from './webhooks/webhook.model';
import { startWebhooks } from './webhooks/webhooks';
import { startImportJobs } from './imports/imports';
import { ImportJobModel } from './imports/import-job.model';
import { httpRoutes } from './http/routes';
import { mountMetrics, mountReadiness, startWorkerHttp } from './http/health';
import { noteOrganization, requestLogger } from './http/request-log';
import { errorReply } from './http/error-reply';
import { webhookListener } from './dispatch/webhook.route';
import type { ReadinessSources } from './http/health';
import type { QueueCounts } from './metrics';
import { createEventSubscriber, subscribeRedis } from './pubsub';
import { LiveHub } from './live/live.hub';
import { startWsServer } from './live/ws.server';
import { operationLimitRules } from './schema/limits';

/** The built dashboard (web/dist), served at `/` when present. */
const WEB_DIST = path.resolve(__dirname, '../../web/dist');

export interface AppHandle {
  /** Base URL of the HTTP server (API role), e.g. http://127.0.0.1:4000. */
  url: string;
  /** The API's port; for ROLE=worker, the METRICS_PORT listener's (0 when none). */
  port: number;
  services: AppServices;
  /** Stops everything in order: HTTP, WebSockets, workers, queues, Redis, MongoDB. Idempotent. */
  stop(): Promise<void>;
}

export interface StartAppOptions {
  config: Config;
  mongoUri: string;
  redisUrl: string;
  /**
   * Emit the driver's command events (tests and benches count the commands a request sends).
   * Off by default: building and emitting them cost about 8% of a worker's CPU per dialled call.
   */
  monitorCommands?: boolean;
}

const MODELS = [
  OrganizationModel,
  UserModel,
  AgentModel,
  PhoneModel,
  CampaignModel,
  ContactModel,
  CallModel,
  DoNotCallModel,
  ApiKeyModel,
  WebhookEndpointModel,
  WebhookMessageModel,
  WebhookAttemptModel,
  WebhookOutboxModel,
  ImportJobModel,
];

/** What every shutdown step is told. */
interface StopContext {
  /** Whether Redis answered a PING within a second when the stop began. */
  redisAnswers: boolean;
}

/** Longest one shutdown step may take before it is cut short. */
const SHUTDOWN_STEP_MS = 10_000;

/**
 * Starts one Dialwave process: connects MongoDB and Redis, then the API (ROLE api/all)
 * and the dispatch workers (ROLE worker/all).
 */
export async function startApp({
  config,
  mongoUri,
  redisUrl,
  monitorCommands = false,
}: StartAppOptions): Promise<AppHandle> {
  /**
   * Shutdown steps; `force` cuts a step short when it overruns (e.g. a Redis quit stuck
   * reconnecting). `run` learns whether Redis answered when the stop began.
   */
  const steps: { name: string; run: (at: StopContext) => Promise<unknown>; force?: () => void }[] = [];
  let draining = false;
  let sharedRedis: Redis | null = null;
  const stop = async () => {
    draining = true;
    // Asked once, up front: with Redis gone (stopped, or a partition), the steps that would wait
    // for it (a graceful BullMQ close, QUIT) let go at once instead of each running out its bound.
    const redis = sharedRedis;
    const redisAnswers = redis
      ? await within(1_000, () => redis.ping()).then(
          () => true,
          () => false,
        )
      : true;
    const at: StopContext = { redisAnswers };
    if (!at.redisAnswers) logger.warn('Redis does not answer: stopping without handing work back through it');
    // Reverse order of start; each step guarded on its own so one failure does not leak the rest.
    while (steps.length > 0) {
      const step = steps.pop()!;
      try {
        // Bounded, so a stop never hangs on a dependency that went away mid-shutdown.
        await within(SHUTDOWN_STEP_MS, () => step.run(at), `did not finish within ${SHUTDOWN_STEP_MS} ms`);
      } catch (error) {
        logger.warn({ err: error, step: step.name }, 'shutdown step failed');
        step.force?.();
      }
    }
  };
  try {
    await mongoose.connect(mongoUri, { serverSelectionTimeoutMS: 10_000, autoIndex: false, monitorCommands });
    steps.push({ name: 'mongodb', run: () => mongoose.disconnect() });
    // Indexes before traffic: unique ones guard invariants (one call per attempt).
    await Promise.all(MODELS.map((m) => m.createIndexes()));

    const redis = createRedis(redisUrl);
    sharedRedis = redis;
    steps.push({
      name: 'redis',
      run: async (at) => (at.redisAnswers ? redis.quit() : redis.disconnect()),
      force: () => redis.disconnect(),
    });
    await checkEvictionPolicy(redis, config.redisAllowEviction);
    // The per-call commands (leases, events, call-ended, do-not-call versions) on a connection of
    // their own with ioredis' auto-pipelining: the commands of one turn of the event loop leave in
    // one write and their replies come back in one read. Each socket write cost ~80 µs of CPU on
    // the bench's VM, and a dialled call made about five of them to Redis, one per command.
    // Not on `redis`: BullMQ's queues share that one, and BullMQ is not tested with auto-pipelining
    // (https://github.com/taskforcesh/bullmq/issues/457 reports jobs lost from the active list).
    const commands = createRedis(redisUrl, { enableAutoPipelining: true });
    steps.push({
      name: 'redis commands',
      run: async (at) => (at.redisAnswers ? commands.quit() : commands.disconnect()),
      force: () => commands.disconnect(),
    });

    const events = new EventPublisher(commands, config.redisPrefix);
    const doNotCall = new DoNotCallList(commands, config.redisPrefix);
    const dispatcher = createDispatcher({ config, redis, commands, redisUrl, events, doNotCall });
    steps.push({ name: 'dispatcher', run: (at) => dispatcher.close({ force: !at.redisAnswers }) });
    // Import jobs: queued wherever an upload arrives, run by worker processes. Stopped before
    // the dispatcher (pushed after it): runs hand their job back while Redis and MongoDB are there.
    const imports = startImportJobs({
      config,
      redis,
      redisUrl,
      services: { events, lifecycle: dispatcher.lifecycle },
      work: config.role !== 'api',
    });
    steps.push({ name: 'imports', run: (at) => imports.close({ force: !at.redisAnswers }) });
    const services: AppServices = {
      config,
      redis,
      events,
      dispatcher,
      lifecycle: dispatcher.lifecycle,
      doNotCall,
      imports,
      live: null,
    };
    // Readiness and queue depth ask the dispatcher's own queue (its own connection), so a
    // queue that cannot reach Redis shows even when the shared connection still answers.
    const health = {
      redis,
      queueCounts: (): Promise<QueueCounts> => dispatcher.queue.getJobCounts(),
      draining: () => draining,
    };

    let url = '';
    let port = 0;
    if (config.role !== 'worker') {
      const http = await startHttp(services, redisUrl, health);
      steps.push({ name: 'http', run: (at) => http.stop(at) });
      url = http.url;
      // Webhook and simulator URLs point at this API unless PUBLIC_URL / SIMULATOR_URL say otherwise.
      dispatcher.setApiUrl(url);
      port = http.port;
    }
    // Outgoing webhooks: written to the outbox wherever state changes, relayed where the API
    // runs, delivered where workers run. Stopped first (pushed last): attempts in flight finish
    // while MongoDB and Redis are still there.
    const webhooks = await startWebhooks({
      config,
      redis,
      redisUrl,
      relay: config.role !== 'worker',
      deliver: config.role !== 'api',
    });
    steps.push({ name: 'webhooks', run: (at) => webhooks.close({ force: !at.redisAnswers }) });
    if (config.role !== 'api') await dispatcher.startWorkers();
    if (config.role === 'worker' && config.metricsPort !== undefined) {
      const http = await startWorkerHttp({ port: config.metricsPort, host: config.host, ...health });
      steps.push({ name: 'worker http', run: () => http.stop() });
      port = http.port;
    }

    let stopped: Promise<void> | null = null;
    return { url, port, services, stop: () => (stopped ??= stop()) };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function startHttp(
  services: AppServices,
  redisUrl: string,
  health: ReadinessSources,
): Promise<{ url: string; port: number; stop(at: StopContext): Promise<void> }> {
  const { config } = services;
  const app = express();
  app.disable('x-powered-by');
  // TRUST_PROXY: whose X-Forwarded-For to believe for `req.ip` (the per-IP limits, the logs).
  app.set('trust proxy', config.trustProxy ?? false);
  // The same rule for WebSocket upgrades, which Express never sees: hops trust the nearest N
  // addresses (as Express does for a number), a list trusts those addresses and ranges.
  const trust = config.trustProxy;
  const trusted = typeof trust === 'number' ? (_addr: string, i: number) => i < trust : proxyaddr.compile(trust ?? []);
  const clientIp = (request: IncomingMessage): string | null => proxyaddr(request, trusted);
  app.use(requestLogger());
  // Provider webhooks are answered before express (webhook.route.ts: its app and router cost
  // more CPU per request than the rest of a webhook's handling); every other request goes on to it.
  const webhooks = webhookListener(services);
  const httpServer: Server = createServer((req, res) => {
    if (!webhooks(req, res)) app(req, res);
  });

  // Subscriptions: one subscribing Redis connection per API process (events are published on
  // the ordinary command connection).
  const liveEvents = createEventSubscriber(createRedis(redisUrl), config.redisPrefix);
  const hub = new LiveHub(liveEvents);
  services.live = hub;
  const schema = await buildAppSchema();
  const ws = startWsServer(httpServer, schema, services, {
    validationRules: operationLimitRules(schema),
    clientIp,
  });
  const apollo = createApolloServer(config, schema, httpServer, [
    {
      // Close WebSockets before Apollo drains HTTP, so subscribers get a reconnect hint.
      async serverWillStart() {
        return { drainServer: () => ws.close() };
      },
    },
  ]);
  await Promise.all([apollo.start(), hub.start()]);
  // Revoked keys and removed users: every instance closes the sockets it holds for them (4403).
  const revocations = await subscribeRedis(createRedis(redisUrl), [revocationChannel(config.redisPrefix)], (_, key) =>
    ws.closePrincipal(key, 'Forbidden: access revoked'),
  );

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });

  mountReadiness(app, health);
  mountMetrics(app, {
    connections: () => ws.connections(),
    subscriptions: () => hub.subscriberCount(),
    queueCounts: health.queueCounts,
  });
  for (const route of httpRoutes) route(app, services);

  app.use(
    '/graphql',
    // 6 MB: importContactsCsv takes files up to 5 MB inline (bigger ones stream to the CSV route).
    express.json({ limit: '6mb' }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        // The request log's id (the caller's X-Request-Id when it sent a sane one).
        const requestId = typeof req.id === 'string' ? req.id : randomUUID();
        const log = logger.child({ requestId });
        const token = bearerToken(req.headers.authorization);
        let user: AuthUser | null = null;
        // A bad token on a request that needs no user (signUp, login) is still rejected:
        // silently treating it as anonymous would hide an expired session from the client.
        if (token) {
          try {
            user = await authenticateBearer(config, token);
            noteOrganization(res, user.organizationId);
          } catch (error) {
            // Apollo masks errors thrown while building the context unless they are GraphQLErrors.
            if (error instanceof AppError) throw withHttpStatus(toGraphQLError(error), 401);
            throw error;
          }
        }
        // req.ip: the socket's address, or the proxy's forwarded one when Express trusts it.
        return createRequestContext(services, user, requestId, log, req.ip ?? null);
      },
    }),
  );

  if (existsSync(WEB_DIST)) {
    app.use(express.static(WEB_DIST, { index: false, maxAge: '1h' }));
    // Client-side routes: every other GET gets the app shell.
    app.get(/^\/(?!graphql|api\/|webhooks\/|healthz|readyz|metrics).*/, (_req, res) => {
      res.sendFile(path.join(WEB_DIST, 'index.html'));
    });
  } else {
    app.get('/', (_req, res) => {
      res.type('html').send(placeholderPage());
    });
  }

  // Errors thrown by HTTP routes: client errors keep their message, the rest is masked.
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const { status, body } = errorReply(error);
    res.status(status).json(body);
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  const port = (httpServer.address() as AddressInfo).port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return {
    url: `http://${host}:${port}`,
    port,
    stop: async (at) => {
      // apollo.stop() closes WebSockets, then drains the HTTP server (ApolloServerPluginDrainHttpServer).
      await apollo.stop();
      // Without Redis, drop its connections first: the hub's unsubscribe then fails at once.
      if (!at.redisAnswers) await liveEvents.close({ force: true });
      await hub.close();
      await liveEvents.close();
      await revocations.close({ force: !at.redisAnswers });
    },
  };
}

function placeholderPage(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Dialwave</title></head>
<body style="font-family:system-ui;max-width:40rem;margin:4rem auto">
<h1>Dialwave</h1><p>The API is running at <a href="/graphql">/graphql</a>.
The dashboard has not been built: run <code>npm run build</code>.</p></body></html>`;
}

/** Marks a GraphQLError with the HTTP status Apollo should answer with. */
function withHttpStatus(error: GraphQLError, status: number): GraphQLError {
  return new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status } } });
}
