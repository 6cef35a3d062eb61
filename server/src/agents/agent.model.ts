import { Schema, Types, model } from 'mongoose';
import type { InferSchemaType, HydratedDocument } from 'mongoose';

const agentSchema = new Schema(
  {
    organizationId: { type: Types.ObjectId, required: true, ref: 'Organization' },
    name: { type: String, required: true, trim: true, maxlength: 200 },
    description: { type: String, maxlength: 2000 },
    isDefault: { type: Boolean, default: false },
  },
  { timestamps: true },
);
agentSchema.index({ organizationId: 1, createdAt: 1 });

export type Agent = InferSchemaType<typeof agentSchema>;
export type AgentDoc = HydratedDocument<Agent>;
export const AgentModel = model('Agent', agentSchema);
