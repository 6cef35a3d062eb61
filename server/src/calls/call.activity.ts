import { Types } from 'mongoose';
import { badInput } from '../errors';
import { CallModel } from './call.model';

const MINUTE = 60_000;
/** The longest window a dashboard may ask for: one day of minutes. */
export const MAX_ACTIVITY_MINUTES = 1440;

export interface MinuteCount {
  /** Start of the minute (UTC). */
  minute: Date;
  /** Calls placed (started) in that minute. */
  calls: number;
}

export interface CallsPerMinute {
  /** The window's end: calls started before this are counted; later ones are the client's to add. */
  asOf: Date;
  minutes: number;
  /** One per minute of the window, oldest first, zero where no call started. */
  buckets: MinuteCount[];
}

/**
 * Calls placed per minute over the last `minutes` minutes (the current minute included), from
 * one aggregation over the `{campaignId, startedAt}` index: every call counts, not only the
 * ones a dashboard has loaded. `$dateTrunc` needs MongoDB 5.0 (the embedded server has it too).
 */
export async function callsPerMinute(
  campaignId: Types.ObjectId | string,
  minutes: number,
  now = new Date(),
): Promise<CallsPerMinute> {
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_ACTIVITY_MINUTES) {
    throw badInput('minutes', `must be a whole number from 1 to ${MAX_ACTIVITY_MINUTES}`);
  }
  const last = Math.floor(now.getTime() / MINUTE) * MINUTE;
  const first = last - (minutes - 1) * MINUTE;
  const rows = await CallModel.aggregate<{ _id: Date; calls: number }>([
    {
      $match: {
        campaignId: new Types.ObjectId(String(campaignId)),
        startedAt: { $gte: new Date(first), $lte: now },
      },
    },
    { $group: { _id: { $dateTrunc: { date: '$startedAt', unit: 'minute' } }, calls: { $sum: 1 } } },
  ]);
  const counts = new Map(rows.map((row) => [new Date(row._id).getTime(), row.calls]));
  const buckets: MinuteCount[] = [];
  for (let minute = first; minute <= last; minute += MINUTE) {
    buckets.push({ minute: new Date(minute), calls: counts.get(minute) ?? 0 });
  }
  return { asOf: now, minutes, buckets };
}
