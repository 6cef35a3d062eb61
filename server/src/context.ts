import type { Redis } from 'ioredis';
import type { Config } from './config';
import type { CampaignLifecycle } from './campaigns/campaign.lifecycle';
import type { Dispatcher } from './dispatch/dispatcher';
import type { DoNotCallList } from './dnc/dnc.list';
import type { EventPublisher } from './events';
import type { ImportJobs } from './imports/import-jobs.port';
import type { LiveHub } from './live/live.hub';
import type { Logger } from './logger';
import type { AuthUser } from './users/auth.token';
import { createLoaders } from './loaders';
import type { Loaders } from './loaders';
import { forbidden, unauthenticated } from './errors';
import type { Role } from './users/user.model';

/** Long-lived parts shared by every request of a process. */
export interface AppServices {
  config: Config;
  /** Commands and publishing (never in subscriber mode). */
  redis: Redis;
  events: EventPublisher;
  /** Dialling: a call now, providers' webhooks, this process's workers. */
  dispatcher: Dispatcher;
  /** The campaign state machine (start, pause, resume, cancel, schedule, retry, recount). */
  lifecycle: CampaignLifecycle;
  /** The organizations' do-not-call lists (the dispatcher checks the same one at every dial). */
  doNotCall: DoNotCallList;
  /** Background CSV imports: queued by the API, run by workers. */
  imports: ImportJobs;
  /** Subscription fan-out (API processes only; null in ROLE=worker). */
  live: LiveHub | null;
}

/** What every resolver gets: the caller, per-request DataLoaders and the services. */
export interface RequestContext {
  requestId: string;
  user: AuthUser | null;
  loaders: Loaders;
  services: AppServices;
  log: Logger;
  /** The client's address (login and sign-up throttling); null when unknown. */
  clientIp: string | null;
}

export function createRequestContext(
  services: AppServices,
  user: AuthUser | null,
  requestId: string,
  log: Logger,
  clientIp: string | null = null,
): RequestContext {
  return { requestId, user, loaders: createLoaders(), services, log, clientIp };
}

const RANK: Record<Role, number> = { VIEWER: 0, OPERATOR: 1, ADMIN: 2 };

/**
 * The caller, who must hold at least `role` (ADMIN > OPERATOR > VIEWER).
 * Throws UNAUTHENTICATED without a user, FORBIDDEN below the role.
 */
export function requireUser(ctx: RequestContext, role: Role = 'VIEWER'): AuthUser {
  if (!ctx.user) throw unauthenticated();
  if (RANK[ctx.user.role] < RANK[role]) throw forbidden(`This needs the ${role} role; you are ${ctx.user.role}`);
  return ctx.user;
}
