import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { PhoneSimulationType, PhoneType } from './phone.type';
import { PhoneInput, UpdatePhoneInput } from './phone.input';
import type { PhoneDoc } from './phone.model';
import { createPhone, listPhones, updatePhone } from './phone.service';
import { requireUser } from '../context';
import type { RequestContext } from '../context';

@Resolver(() => PhoneType)
export class PhoneResolver {
  @Query(() => [PhoneType])
  phones(@Ctx() ctx: RequestContext): Promise<PhoneDoc[]> {
    return listPhones(requireUser(ctx).organizationId);
  }

  @Mutation(() => PhoneType)
  createPhone(@Arg('input', () => PhoneInput) input: PhoneInput, @Ctx() ctx: RequestContext): Promise<PhoneDoc> {
    return createPhone(ctx.services.config.encryptionKey, requireUser(ctx, 'ADMIN').organizationId, input);
  }

  @Mutation(() => PhoneType)
  updatePhone(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdatePhoneInput) input: UpdatePhoneInput,
    @Ctx() ctx: RequestContext,
  ): Promise<PhoneDoc> {
    return updatePhone(ctx.services.config.encryptionKey, requireUser(ctx, 'ADMIN').organizationId, id, input);
  }

  @FieldResolver(() => PhoneSimulationType, { nullable: true })
  simulation(@Root() phone: PhoneDoc): PhoneDoc['simulation'] | null {
    return phone.provider === 'SIMULATED' ? phone.simulation : null;
  }

  @FieldResolver(() => Boolean)
  hasCredentials(@Root() phone: PhoneDoc): boolean {
    return Boolean(phone.credentialsEncrypted);
  }
}
