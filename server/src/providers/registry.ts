import type { Config } from '../config';
import { logger } from '../logger';
import { decryptCredentials } from '../phones/phone.crypto';
import type { ProviderName } from '../phones/phone.model';
import type { ProviderCredentials, TelephonyProvider } from './provider';
import { createExotelProvider } from './exotel';
import { createSimulatedProvider } from './simulated/simulated.provider';
import type { Simulator } from './simulated/simulator';
import { createTwilioProvider } from './twilio';
import { createVapiProvider } from './vapi';
import { createRetellProvider } from './retell';
import { createElevenLabsProvider } from './elevenlabs';

export type ProviderSet = Record<ProviderName, TelephonyProvider>;

/**
 * The providers of a process. `simulatorBaseUrl` is read at each call: the API's port is
 * only known once it listens.
 */
export function createProviders(options: {
  config: Config;
  simulatorBaseUrl: () => string;
  /** Bench only: reach the simulator in-process (see simulated.provider.ts). */
  directSimulator?: Simulator;
}): ProviderSet {
  const { config } = options;
  return {
    SIMULATED: createSimulatedProvider({
      secret: config.jwt.secret,
      baseUrl: options.simulatorBaseUrl,
      ...(options.directSimulator ? { direct: options.directSimulator } : {}),
    }),
    TWILIO: createTwilioProvider({ apiBase: config.twilio.apiBase }),
    EXOTEL: createExotelProvider({
      apiBase: config.exotel.apiBase,
      timeZone: config.exotel.timeZone,
      record: config.exotel.record,
    }),
    VAPI: createVapiProvider({ apiBase: config.vapi.apiBase }),
    RETELL: createRetellProvider({ apiBase: config.retell.apiBase }),
    ELEVENLABS: createElevenLabsProvider({ apiBase: config.elevenlabs.apiBase }),
  };
}

/** The phone's own credentials (decrypted), else the deployment's from config. */
export function credentialsFor(
  config: Config,
  phone: { _id: unknown; provider: string; credentialsEncrypted?: string | null },
): ProviderCredentials {
  // Vapi's webhook secret is the deployment's (one server URL per Vapi org), unless the phone has its own.
  const deployment: ProviderCredentials =
    phone.provider === 'VAPI'
      ? { apiKey: config.vapi.apiKey, webhookSecret: config.vapi.webhookSecret }
      : phone.provider === 'RETELL'
        ? // Retell signs with the account's webhook-badge key, whatever key placed the call.
          { apiKey: config.retell.apiKey, webhookKey: config.retell.apiKey }
        : phone.provider === 'ELEVENLABS'
          ? { apiKey: config.elevenlabs.apiKey, webhookSecret: config.elevenlabs.webhookSecret }
          : {};
  if (phone.credentialsEncrypted) {
    try {
      const plain = decryptCredentials(config.encryptionKey, phone.credentialsEncrypted, String(phone._id));
      const out: ProviderCredentials = { ...deployment };
      for (const [k, v] of Object.entries(plain)) if (v !== undefined && v !== null) out[k] = String(v);
      return out;
    } catch (error) {
      // A key rotated without re-encrypting: fall back to the deployment's credentials, loudly.
      logger.error({ err: (error as Error).message, phoneId: String(phone._id) }, 'cannot decrypt phone credentials');
    }
  }
  switch (phone.provider) {
    case 'TWILIO':
      return { accountSid: config.twilio.accountSid, authToken: config.twilio.authToken };
    case 'EXOTEL':
      return { sid: config.exotel.sid, apiKey: config.exotel.apiKey, apiToken: config.exotel.apiToken };
    default:
      return deployment;
  }
}

/** Provider default calls-per-second when a phone sets none (Twilio: 1/s per account; Exotel 60/min). 0 = no limit. */
export function defaultCallsPerSecond(provider: string): number {
  return provider === 'TWILIO' || provider === 'EXOTEL' ? 1 : 0;
}
