import { timingSafeEqual } from 'node:crypto';
import { Types, isValidObjectId } from 'mongoose';
import { logger } from '../logger';
import { webhookReceived } from '../metrics';
import { CallModel } from '../calls/call.model';
import { PhoneModel, PROVIDERS } from '../phones/phone.model';
import type { ProviderName } from '../phones/phone.model';
import type { ProviderStatusUpdate, RawWebhook, TelephonyProvider } from '../providers/provider';
import { credentialsFor } from '../providers/registry';
import { announceEnded, applyStatus } from './call-status';
import type { CallLean, EngineContext } from './engine.context';

/**
 * A provider's status webhook, as the engine sees it: checked (the call's token, the provider's
 * signature), parsed, and applied once through `applyStatus` (never backwards). It knows nothing
 * of HTTP: webhook.route.ts maps each result to a status code.
 */

/** What became of a webhook. */
export type WebhookResult =
  /** The status was applied: the call moved. */
  | { kind: 'applied' }
  /** A replay, or a status older than the call's: nothing changed (a final one was announced again). */
  | { kind: 'stale' }
  /** A webhook the provider sends that carries no status of ours (the provider's parser ignored it). */
  | { kind: 'ignored' }
  /** No such provider. */
  | { kind: 'unknown-provider' }
  /** No call of that provider with that id. */
  | { kind: 'unknown-call' }
  /** Wrong token, bad signature, or it names another provider call: nothing changes. */
  | { kind: 'forbidden' };

const APPLIED: WebhookResult = { kind: 'applied' };
const STALE: WebhookResult = { kind: 'stale' };
const IGNORED: WebhookResult = { kind: 'ignored' };
const UNKNOWN_CALL: WebhookResult = { kind: 'unknown-call' };
const FORBIDDEN: WebhookResult = { kind: 'forbidden' };

/** Constant-time comparison of a secret with what a request brought. */
function sameSecret(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Whether the webhook names a provider call other than the one we hold (a forged or misrouted one). */
function namesAnotherCall(
  name: ProviderName,
  callId: string,
  update: ProviderStatusUpdate,
  call: { providerCallId?: string | null },
): boolean {
  if (!update.providerCallId || !call.providerCallId || update.providerCallId === call.providerCallId) return false;
  logger.warn({ provider: name, callId, providerCallId: update.providerCallId }, 'webhook names another provider call');
  return true;
}

/** Handles one status webhook; see WebhookResult. */
export async function handleWebhook(
  ctx: EngineContext,
  providerParam: string,
  raw: RawWebhook,
): Promise<WebhookResult> {
  const name = providerParam.toUpperCase() as ProviderName;
  if (!PROVIDERS.includes(name)) return { kind: 'unknown-provider' };
  const provider = ctx.deps.providers[name];
  const url = new URL(raw.url);
  // Issue 17: platforms with one dashboard-configured webhook URL name the call in the body.
  if (!url.searchParams.has('call') && provider.callRefOf) return handleSignedWebhook(ctx, provider, raw);
  const callId = url.searchParams.get('call');
  const token = url.searchParams.get('token') ?? '';
  if (!callId || !isValidObjectId(callId)) {
    logger.warn({ provider: name, callId }, 'webhook without a valid call id');
    return UNKNOWN_CALL;
  }
  // Token-checked providers (Twilio's signature needs the phone's credentials, so the call is
  // read for it): one guarded write, and a read only when it changed nothing.
  if (name !== 'TWILIO' && sameSecret(ctx.callbackTokenFor(callId), token))
    return applyTokenChecked(ctx, name, provider, callId, raw);
  const call = await CallModel.findById(callId).lean<CallLean>();
  if (!call || call.provider !== name) {
    logger.warn({ provider: name, callId }, 'webhook for an unknown call');
    return UNKNOWN_CALL;
  }
  if (!sameSecret(call.callbackToken, token)) {
    logger.warn({ provider: name, callId }, 'webhook with a wrong token');
    return FORBIDDEN;
  }
  const credentials =
    name === 'TWILIO'
      ? credentialsFor(
          ctx.deps.config,
          (await PhoneModel.findById(call.phoneId).lean()) ?? { _id: call.phoneId, provider: name },
        )
      : {};
  if (!provider.verifyWebhook(raw, credentials)) {
    logger.warn({ provider: name, callId }, 'webhook with a bad signature');
    return FORBIDDEN;
  }
  const update = provider.parseWebhook(raw);
  if (!update) return IGNORED;
  webhookReceived(name, update.eventAt);
  if (namesAnotherCall(name, callId, update, call)) return FORBIDDEN;
  return (await applyStatus(ctx, call, update)) ? APPLIED : STALE;
}

/** A webhook whose token is the HMAC of its call id: applied with one guarded write, no read first. */
async function applyTokenChecked(
  ctx: EngineContext,
  name: ProviderName,
  provider: TelephonyProvider,
  callId: string,
  raw: RawWebhook,
): Promise<WebhookResult> {
  if (!provider.verifyWebhook(raw, {})) {
    logger.warn({ provider: name, callId }, 'webhook with a bad signature');
    return FORBIDDEN;
  }
  const update = provider.parseWebhook(raw);
  if (!update) return IGNORED;
  webhookReceived(name, update.eventAt);
  const _id = new Types.ObjectId(callId);
  if (await applyStatus(ctx, { _id }, update, { provider: name, providerCallId: update.providerCallId }))
    return APPLIED;
  const call = await CallModel.findById(_id, { provider: 1, providerCallId: 1, status: 1 }).lean();
  if (!call || call.provider !== name) {
    logger.warn({ provider: name, callId }, 'webhook for an unknown call');
    return UNKNOWN_CALL;
  }
  if (namesAnotherCall(name, callId, update, call)) return FORBIDDEN;
  // A replay or a status that arrived late: nothing changes, a final one is announced again.
  await announceEnded(ctx, _id, update.status, null);
  return STALE;
}

/**
 * Issue 17: a webhook to /webhooks/<provider> without our per-call token (Vapi's, Retell's and
 * ElevenLabs' server messages): the call is found from the body (our id in the platform's
 * metadata, else its call id) and the platform's signature, checked with the phone's
 * credentials, is the only proof. An unknown call or a bad signature changes nothing.
 */
async function handleSignedWebhook(
  ctx: EngineContext,
  provider: TelephonyProvider,
  raw: RawWebhook,
): Promise<WebhookResult> {
  const name = provider.name;
  const ref = provider.callRefOf?.(raw) ?? null;
  const byId = ref?.callId && isValidObjectId(ref.callId) ? new Types.ObjectId(ref.callId) : null;
  const call = byId
    ? await CallModel.findOne({ _id: byId, provider: name }).lean<CallLean>()
    : ref?.providerCallId
      ? await CallModel.findOne({ provider: name, providerCallId: ref.providerCallId }).lean<CallLean>()
      : null;
  if (!call) {
    logger.warn({ provider: name, ref }, 'webhook for an unknown call');
    return UNKNOWN_CALL;
  }
  const phone = (await PhoneModel.findById(call.phoneId).lean()) ?? { _id: call.phoneId, provider: name };
  if (!provider.verifyWebhook(raw, credentialsFor(ctx.deps.config, phone))) {
    logger.warn({ provider: name, callId: String(call._id) }, 'webhook with a bad signature');
    return FORBIDDEN;
  }
  const update = provider.parseWebhook(raw);
  if (!update) return IGNORED;
  webhookReceived(name, update.eventAt);
  if (namesAnotherCall(name, String(call._id), update, call)) return FORBIDDEN;
  return (await applyStatus(ctx, call, update)) ? APPLIED : STALE;
}
