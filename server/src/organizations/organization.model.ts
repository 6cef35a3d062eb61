import { Schema, model } from 'mongoose';
import type { InferSchemaType, HydratedDocument } from 'mongoose';

const organizationSchema = new Schema(
  {
    name: { type: String, required: true, trim: true, maxlength: 200 },
    /** ISO country used for phone numbers written without a country code. */
    defaultCountry: { type: String, required: true, default: 'US' },
    /** Rules that hold across all the organization's campaigns (organization.settings.ts). */
    settings: {
      /** At most this many calls to one number in any rolling 24 hours; null: no cap (the default). */
      maxCallsPerNumberPerDay: { type: Number, default: null },
      /** At most this many calls to one number in any rolling 7 days; null: no cap (the default). */
      maxCallsPerNumberPerWeek: { type: Number, default: null },
    },
  },
  { timestamps: true },
);

export type Organization = InferSchemaType<typeof organizationSchema>;
export type OrganizationDoc = HydratedDocument<Organization>;
export const OrganizationModel = model('Organization', organizationSchema);
