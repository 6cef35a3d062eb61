import { Arg, Ctx, ID, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { SubscribeResolverData } from 'type-graphql';
import { requireUser } from '../context';
import type { RequestContext } from '../context';
import { getImportJob, listImportJobs } from './import-job.service';
import { ImportJobType, importJobType } from './import-job.type';
import type { ImportJobView } from './import-job.model';

type Data = SubscribeResolverData<unknown, { id?: string }, RequestContext>;

/**
 * Import jobs: read them, or follow one. Tenant-scoped like everything else: another
 * organization's job is NOT_FOUND. The subscription's events come through the LiveHub (one
 * Redis subscription per API process), paced by the job's worker to at most 4 a second.
 */
@Resolver()
export class ImportJobResolver {
  @Query(() => ImportJobType, { description: 'One import job of your organization.' })
  async importJob(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<ImportJobType> {
    const { organizationId } = requireUser(ctx);
    return importJobType(await getImportJob(organizationId, id));
  }

  @Query(() => [ImportJobType], { description: "A campaign's import jobs, newest first (the last 50)." })
  async importJobs(
    @Ctx() ctx: RequestContext,
    @Arg('campaignId', () => ID) campaignId: string,
  ): Promise<ImportJobType[]> {
    const { organizationId } = requireUser(ctx);
    return (await listImportJobs(organizationId, campaignId)).map(importJobType);
  }

  @Subscription(() => ImportJobType, {
    description:
      "An import job's progress: its state at once, then as it moves (at most 4 a second; the final state " +
      'always), ending after DONE or FAILED.',
    subscribe: async (data: Data) => {
      const hub = data.context.services.live;
      if (!hub) throw new Error('subscriptions are served by API processes only');
      // Authorizes before anything is streamed (NOT_FOUND for another organization's job).
      const { organizationId } = requireUser(data.context);
      const job = await getImportJob(organizationId, String(data.args.id ?? ''));
      return hub.watchImport(job.id, () => getImportJob(organizationId, job.id));
    },
  })
  importProgress(@Root() job: ImportJobView, @Arg('id', () => ID) _id: string): ImportJobType {
    return importJobType(job);
  }
}
