import { Schema, Types, model } from 'mongoose';
import type { InferSchemaType, HydratedDocument } from 'mongoose';

export const ROLES = ['ADMIN', 'OPERATOR', 'VIEWER'] as const;
export type Role = (typeof ROLES)[number];

const userSchema = new Schema(
  {
    organizationId: { type: Types.ObjectId, required: true, ref: 'Organization' },
    email: { type: String, required: true, lowercase: true, trim: true },
    /** scrypt hash, `scrypt$N$r$p$salt$hash` (see accounts/password.ts). */
    passwordHash: { type: String, required: true },
    role: { type: String, enum: ROLES, required: true },
  },
  { timestamps: true },
);
// Login looks users up by email; emails are unique across organizations.
userSchema.index({ email: 1 }, { unique: true });
userSchema.index({ organizationId: 1 });

export type User = InferSchemaType<typeof userSchema>;
export type UserDoc = HydratedDocument<User>;
export const UserModel = model('User', userSchema);
