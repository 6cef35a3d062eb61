import type { Types } from 'mongoose';
import { CallModel, CALL_STATUSES } from './call.model';
import type { CallDoc, CallStatus } from './call.model';
import { badInput } from '../errors';
import { pageNewestFirst, pageSize } from '../pagination';
import type { Page } from '../pagination';

export interface ListCallsOptions {
  status?: CallStatus | null;
  first?: number | null;
  after?: string | null;
}

/**
 * A page of a campaign's call log, newest first (startedAt, then _id, descending). The
 * campaign is already scoped to the caller's organization.
 */
export async function listCalls(campaignId: Types.ObjectId, options: ListCallsOptions): Promise<Page<CallDoc>> {
  const first = pageSize(options.first, 50);
  const filter: Record<string, unknown> = { campaignId };
  if (options.status) {
    if (!(CALL_STATUSES as readonly string[]).includes(options.status))
      throw badInput('status', 'is not a call status');
    filter['status'] = options.status;
  }
  return pageNewestFirst<CallDoc>(CallModel, filter, 'startedAt', (c) => c.startedAt, first, options.after);
}
