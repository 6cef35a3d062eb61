import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import {
  CreatedWebhookEndpointType,
  WebhookDeliveryConnectionType,
  WebhookEndpointInput,
  WebhookEndpointType,
} from './webhook.type';
import type { WebhookAttemptDoc, WebhookEndpointDoc } from './webhook.model';
import { createEndpoint, deleteEndpoint, listAttempts, listEndpoints } from './webhook.service';
import type { CreatedEndpoint } from './webhook.service';
import { requireUser } from '../context';
import type { RequestContext } from '../context';
import { connection } from '../campaigns/campaign.resolver';
import type { Connection } from '../campaigns/campaign.resolver';

/** Outgoing webhook endpoints and their delivery log (ADMIN). */
@Resolver(() => WebhookEndpointType)
export class WebhookResolver {
  @Query(() => [WebhookEndpointType])
  webhookEndpoints(@Ctx() ctx: RequestContext): Promise<WebhookEndpointDoc[]> {
    return listEndpoints(requireUser(ctx, 'ADMIN').organizationId);
  }

  @Query(() => WebhookDeliveryConnectionType, { description: 'Every delivery attempt to an endpoint, newest first.' })
  async webhookDeliveries(
    @Arg('endpointId', () => ID) endpointId: string,
    @Ctx() ctx: RequestContext,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<Connection<WebhookAttemptDoc>> {
    return connection(await listAttempts(requireUser(ctx, 'ADMIN').organizationId, endpointId, { first, after }));
  }

  @Mutation(() => CreatedWebhookEndpointType)
  createWebhookEndpoint(
    @Arg('input', () => WebhookEndpointInput) input: WebhookEndpointInput,
    @Ctx() ctx: RequestContext,
  ): Promise<CreatedEndpoint> {
    return createEndpoint(ctx.services.config, requireUser(ctx, 'ADMIN').organizationId, input);
  }

  @Mutation(() => Boolean)
  deleteWebhookEndpoint(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<boolean> {
    return deleteEndpoint(requireUser(ctx, 'ADMIN').organizationId, id);
  }
}
