import type { Redis } from 'ioredis';
import type { Config } from '../config';
import type { EventPublisher } from '../events';
import type { Dispatcher } from './dispatcher';

export interface DispatcherDeps {
  config: Config;
  redis: Redis;
  redisUrl: string;
  events: EventPublisher;
}

// Scaffold only: the dialing engine (issue 4) replaces this file.
export function createDispatcher(_deps: DispatcherDeps): Dispatcher {
  const missing = async (): Promise<never> => {
    throw new Error('the dialing engine is not built yet');
  };
  return {
    startCampaign: missing,
    pauseCampaign: missing,
    resumeCampaign: missing,
    cancelCampaign: missing,
    retryFailedContacts: missing,
    callContact: missing,
    recountCampaign: missing,
    settingsChanged: async () => undefined,
    contactsAdded: async () => undefined,
    startWorkers: async () => undefined,
    close: async () => undefined,
  };
}
