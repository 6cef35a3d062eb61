import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { ApiKeyInput, ApiKeyType, CreatedApiKeyType } from './apikey.type';
import type { ApiKeyDoc } from './apikey.model';
import { createApiKey, listApiKeys, revokeApiKey } from './apikey.service';
import type { CreatedApiKey } from './apikey.service';
import { requireUser } from '../context';
import type { RequestContext } from '../context';
import { announceRevocation, principalKey } from '../users/auth.principal';

/** API keys: server-to-server credentials with a role, managed by ADMINs. */
@Resolver(() => ApiKeyType)
export class ApiKeyResolver {
  @Query(() => [ApiKeyType])
  apiKeys(@Ctx() ctx: RequestContext): Promise<ApiKeyDoc[]> {
    return listApiKeys(requireUser(ctx, 'ADMIN').organizationId);
  }

  @Mutation(() => CreatedApiKeyType)
  createApiKey(
    @Arg('input', () => ApiKeyInput) input: ApiKeyInput,
    @Ctx() ctx: RequestContext,
  ): Promise<CreatedApiKey> {
    return createApiKey(requireUser(ctx, 'ADMIN').organizationId, input);
  }

  @Mutation(() => Boolean, { description: 'Takes effect on the next request; open sockets with the key close (4403).' })
  async revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<boolean> {
    const key = await revokeApiKey(requireUser(ctx, 'ADMIN').organizationId, id);
    const { redis, config } = ctx.services;
    await announceRevocation(redis, config.redisPrefix, principalKey({ userId: '', apiKeyId: String(key._id) }));
    return true;
  }
}
