import type { Readable } from 'node:stream';
import type { ImportJobPayload } from '../events';

/**
 * What the rest of the app asks of import jobs (`services.imports`). Its own file, importing
 * nothing of the feature, so `context.ts` can name it without an import cycle.
 */
export interface ImportJobs {
  /**
   * Stores an upload and queues its import; resolves once the file is stored. Refuses at once
   * what is known before storing (the campaign, a header row without a phone column).
   */
  create(input: {
    organizationId: string;
    campaignId: string;
    body: Readable;
    fileName?: string | null;
  }): Promise<ImportJobPayload>;
  /** Stops runs at their next batch and hands them back to the queue, then closes. Idempotent. */
  close(options?: { force?: boolean }): Promise<void>;
  /**
   * Dies on the spot, as a crash would (tests): runs stop without a word to Redis, and another
   * worker resumes them once their lock lapses.
   */
  kill(): Promise<void>;
}
