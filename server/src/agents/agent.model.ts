import { Schema, Types, model } from 'mongoose';
import type { InferSchemaType, HydratedDocument } from 'mongoose';
import { AGENT_KINDS } from './agent.kinds';

const agentSchema = new Schema(
  {
    organizationId: { type: Types.ObjectId, required: true, ref: 'Organization' },
    name: { type: String, required: true, trim: true, maxlength: 200 },
    description: { type: String, maxlength: 2000 },
    isDefault: { type: Boolean, default: false },
    /** How an answered call reaches this agent (agent.kinds.ts). Agents made before kinds are SIMULATED. */
    kind: { type: String, enum: AGENT_KINDS, default: 'SIMULATED', required: true },
    /** The platform's id: Vapi assistantId, Retell agent_id, ElevenLabs agent_id, Exotel app id. */
    externalId: { type: String, default: null },
    /** TWILIO_STREAM: wss:// media-stream URL; TWIML_URL: the TwiML document's URL. */
    url: { type: String, default: null },
    /** Names the agent's script uses; every contact must supply each. */
    variables: { type: [String], default: [] },
  },
  { timestamps: true },
);
agentSchema.index({ organizationId: 1, createdAt: 1 });

export type Agent = InferSchemaType<typeof agentSchema>;
export type AgentDoc = HydratedDocument<Agent>;
export const AgentModel = model('Agent', agentSchema);
