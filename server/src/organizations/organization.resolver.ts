import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { requireUser } from '../context';
import type { RequestContext } from '../context';
import { OrganizationSettingsInput } from './organization.input';
import type { OrganizationDoc } from './organization.model';
import { getOrganization, updateOrganizationSettings } from './organization.service';
import { organizationSettingsOf } from './organization.settings';
import type { OrganizationSettingsFields } from './organization.settings';
import { OrganizationSettingsType, OrganizationType } from './organization.type';

/** The caller's organization and its settings (frequency caps). */
@Resolver(() => OrganizationType)
export class OrganizationResolver {
  @Query(() => OrganizationType, { description: "The caller's organization (API keys too, which have no `me`)." })
  organization(@Ctx() ctx: RequestContext): Promise<OrganizationDoc> {
    return getOrganization(requireUser(ctx).organizationId);
  }

  @Mutation(() => OrganizationType, {
    description: "Changes the organization's settings (ADMIN). A field left out stays as it is; null turns a cap off.",
  })
  updateOrganizationSettings(
    @Arg('input', () => OrganizationSettingsInput) input: OrganizationSettingsInput,
    @Ctx() ctx: RequestContext,
  ): Promise<OrganizationDoc> {
    return updateOrganizationSettings(requireUser(ctx, 'ADMIN').organizationId, input);
  }

  @FieldResolver(() => OrganizationSettingsType)
  settings(@Root() org: OrganizationDoc): OrganizationSettingsFields {
    return organizationSettingsOf(org);
  }
}
