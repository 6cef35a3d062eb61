import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { AgentType } from './agent.type';
import { AgentInput, UpdateAgentInput } from './agent.input';
import type { AgentDoc } from './agent.model';
import { createAgent, deleteAgent, listAgents, updateAgent } from './agent.service';
import { requireUser } from '../context';
import type { RequestContext } from '../context';

@Resolver(() => AgentType)
export class AgentResolver {
  @Query(() => [AgentType])
  agents(@Ctx() ctx: RequestContext): Promise<AgentDoc[]> {
    return listAgents(requireUser(ctx).organizationId);
  }

  @Mutation(() => AgentType)
  createAgent(@Arg('input', () => AgentInput) input: AgentInput, @Ctx() ctx: RequestContext): Promise<AgentDoc> {
    return createAgent(requireUser(ctx, 'ADMIN').organizationId, input);
  }

  @Mutation(() => AgentType)
  updateAgent(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateAgentInput) input: UpdateAgentInput,
    @Ctx() ctx: RequestContext,
  ): Promise<AgentDoc> {
    return updateAgent(requireUser(ctx, 'ADMIN').organizationId, id, input);
  }

  @Mutation(() => Boolean, { description: 'CONFLICT while a campaign uses the agent, or for the default agent.' })
  deleteAgent(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<boolean> {
    return deleteAgent(requireUser(ctx, 'ADMIN').organizationId, id);
  }
}
