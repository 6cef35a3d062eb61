import { Schema, model } from 'mongoose';
import type { InferSchemaType, HydratedDocument } from 'mongoose';

const organizationSchema = new Schema(
  {
    name: { type: String, required: true, trim: true, maxlength: 200 },
    /** ISO country used for phone numbers written without a country code. */
    defaultCountry: { type: String, required: true, default: 'US' },
  },
  { timestamps: true },
);

export type Organization = InferSchemaType<typeof organizationSchema>;
export type OrganizationDoc = HydratedDocument<Organization>;
export const OrganizationModel = model('Organization', organizationSchema);
