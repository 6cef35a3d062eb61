import { Types } from 'mongoose';

const HEX_ID = /^[0-9a-fA-F]{24}$/;

/**
 * Parses a client-supplied id. Only 24 hex characters count: `ObjectId.isValid` also accepts
 * any 12-character string, and a malformed id must behave like a missing one (NOT_FOUND),
 * never reach the driver as a CastError (a 500).
 * @returns null when the id cannot be an ObjectId
 */
export function parseObjectId(id: unknown): Types.ObjectId | null {
  return typeof id === 'string' && HEX_ID.test(id) ? new Types.ObjectId(id) : null;
}
