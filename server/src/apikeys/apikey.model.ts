import { Schema, Types, model } from 'mongoose';
import type { InferSchemaType, HydratedDocument } from 'mongoose';
import { ROLES } from '../users/user.model';

const apiKeySchema = new Schema(
  {
    organizationId: { type: Types.ObjectId, required: true, ref: 'Organization' },
    name: { type: String, required: true, trim: true },
    role: { type: String, enum: ROLES, required: true },
    /** `dw_live_` plus the first characters of the random part: shown in lists to recognise a key. */
    prefix: { type: String, required: true },
    /**
     * SHA-256 of the whole secret, hex. A plain hash is enough here (unlike passwords): the
     * secret carries 192 random bits, so there is nothing for a slow hash to protect from guessing.
     */
    secretHash: { type: String, required: true },
    lastUsedAt: { type: Date, default: null },
    /** Set by revokeApiKey; a revoked key never authenticates again. */
    revokedAt: { type: Date, default: null },
  },
  { timestamps: true },
);
// Every authenticated request with a key looks it up by hash.
apiKeySchema.index({ secretHash: 1 }, { unique: true });
apiKeySchema.index({ organizationId: 1, createdAt: -1 });

export type ApiKey = InferSchemaType<typeof apiKeySchema>;
export type ApiKeyDoc = HydratedDocument<ApiKey>;
export const ApiKeyModel = model('ApiKey', apiKeySchema);
