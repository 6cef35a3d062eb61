import type { Types } from 'mongoose';
import { CallModel, CALL_STATUSES } from './call.model';
import type { CallDoc, CallStatus } from './call.model';
import { badInput } from '../errors';
import { parseObjectId } from '../object-id';
import { decodeCursor, encodeCursor, pageSize, toPage } from '../pagination';
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
  const query: Record<string, unknown> = { ...filter };
  if (options.after) {
    const [ms, hex] = decodeCursor(options.after, ['number', 'string'] as const);
    const afterId = parseObjectId(hex);
    if (!afterId) throw badInput('after', 'is not a cursor this server issued');
    const at = new Date(ms);
    query['$or'] = [{ startedAt: { $lt: at } }, { startedAt: at, _id: { $lt: afterId } }];
  }
  const [rows, totalCount] = await Promise.all([
    CallModel.find(query)
      .sort({ startedAt: -1, _id: -1 })
      .limit(first + 1)
      .exec(),
    CallModel.countDocuments(filter).exec(),
  ]);
  return toPage(rows, first, totalCount, (c) => encodeCursor([c.startedAt.getTime(), String(c._id)]));
}
