import { Schema, Types, model } from 'mongoose';
import type { InferSchemaType, HydratedDocument } from 'mongoose';

export const PROVIDERS = ['SIMULATED', 'TWILIO', 'EXOTEL', 'VAPI', 'RETELL', 'ELEVENLABS'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

/** How the built-in simulator behaves for calls from this phone (see SimulationInput). */
const simulationSchema = new Schema(
  {
    busyRate: { type: Number, default: 0.1, min: 0, max: 1 },
    noAnswerRate: { type: Number, default: 0.1, min: 0, max: 1 },
    failRate: { type: Number, default: 0.05, min: 0, max: 1 },
    voicemailRate: { type: Number, default: 0.1, min: 0, max: 1 },
    minDurationMs: { type: Number, default: 2_000, min: 0 },
    maxDurationMs: { type: Number, default: 8_000, min: 0 },
    // Issue 18: what an answered contact decides (the simulated agent's analysis carries it).
    optOutRate: { type: Number, default: 0, min: 0, max: 1 },
    callbackRate: { type: Number, default: 0, min: 0, max: 1 },
    /** The callback time the simulated agent agrees on (ISO 8601); null: tomorrow at 10:00, the contact's time. */
    callbackAt: { type: String, default: null },
  },
  { _id: false },
);

const phoneSchema = new Schema(
  {
    organizationId: { type: Types.ObjectId, required: true, ref: 'Organization' },
    name: { type: String, required: true, trim: true, maxlength: 200 },
    /** E.164. */
    number: { type: String, required: true },
    provider: { type: String, enum: PROVIDERS, required: true },
    isDefault: { type: Boolean, default: false },
    simulation: { type: simulationSchema, default: () => ({}) },
    /** Live calls this number may hold at once across all campaigns (null: no cap of its own). */
    maxConcurrentCalls: { type: Number, default: null },
    /** Calls this number may start per second (null: provider default). */
    callsPerSecond: { type: Number, default: null },
    /** Provider credentials, AES-256-GCM encrypted (see phones/crypto.ts); never returned. */
    credentialsEncrypted: { type: String, default: null },
    /** The platform's id of this number where it needs one (Vapi phoneNumberId, ElevenLabs agent_phone_number_id). */
    providerPhoneId: { type: String, default: null },
  },
  { timestamps: true },
);
phoneSchema.index({ organizationId: 1, createdAt: 1 });
phoneSchema.index({ organizationId: 1, number: 1 }, { unique: true });

export type Phone = InferSchemaType<typeof phoneSchema>;
export type PhoneDoc = HydratedDocument<Phone>;
export const PhoneModel = model('Phone', phoneSchema);
