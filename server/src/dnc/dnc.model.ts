import { Schema, Types, model } from 'mongoose';
import type { InferSchemaType, HydratedDocument } from 'mongoose';

/** An organization's do-not-call list: numbers never dialled, checked at dial time. */
const dncSchema = new Schema(
  {
    organizationId: { type: Types.ObjectId, required: true, ref: 'Organization' },
    /** E.164. */
    phoneNumber: { type: String, required: true },
  },
  { timestamps: true },
);
// One entry per number and organization; dial-time checks look numbers up by it.
dncSchema.index({ organizationId: 1, phoneNumber: 1 }, { unique: true });

export type DoNotCall = InferSchemaType<typeof dncSchema>;
export type DoNotCallDoc = HydratedDocument<DoNotCall>;
export const DoNotCallModel = model('DoNotCall', dncSchema);
