import type { Types } from 'mongoose';
import { CallModel } from './call.model';

export interface DispositionCount {
  disposition: string;
  count: number;
}

/**
 * How a campaign's calls ended in the agents' words: calls per disposition, most first. One
 * `$group` over the campaign's calls (its `{campaignId, …}` indexes narrow the scan).
 */
export async function dispositionCounts(campaignId: Types.ObjectId): Promise<DispositionCount[]> {
  const rows = await CallModel.aggregate<{ _id: string; count: number }>([
    { $match: { campaignId, disposition: { $type: 'string' } } },
    { $group: { _id: '$disposition', count: { $sum: 1 } } },
  ]).exec();
  return rows
    .map((r) => ({ disposition: r._id, count: r.count }))
    .sort((a, b) => b.count - a.count || a.disposition.localeCompare(b.disposition));
}
