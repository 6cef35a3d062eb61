import { useMutation } from '@apollo/client/react';
import { graphql } from '../gql';
import type { CampaignActions_CampaignFragment } from '../gql/graphql';
import { OPTIMISTIC_STATUS } from './campaign-status';

// Each mutation below returns the campaign's status fields; the normalized cache applies
// them to every view. The optimistic response shows the expected status at once; Apollo
// rolls it back by itself if the API refuses.

const StartCampaignMutation = graphql(`
  mutation StartCampaign($id: ID!) {
    startCampaign(id: $id) {
      id
      ...CampaignActions_campaign
    }
  }
`);

const PauseCampaignMutation = graphql(`
  mutation PauseCampaign($id: ID!) {
    pauseCampaign(id: $id) {
      id
      ...CampaignActions_campaign
    }
  }
`);

const ResumeCampaignMutation = graphql(`
  mutation ResumeCampaign($id: ID!) {
    resumeCampaign(id: $id) {
      id
      ...CampaignActions_campaign
    }
  }
`);

const CancelCampaignMutation = graphql(`
  mutation CancelCampaign($id: ID!) {
    cancelCampaign(id: $id) {
      id
      ...CampaignActions_campaign
    }
  }
`);

const RetryFailedContactsMutation = graphql(`
  mutation RetryFailedContacts($id: ID!) {
    retryFailedContacts(id: $id) {
      id
      ...CampaignActions_campaign
      stats {
        ...CampaignStats_stats
      }
    }
  }
`);

const ScheduleCampaignMutation = graphql(`
  mutation ScheduleCampaign($id: ID!, $at: DateTime!) {
    scheduleCampaign(id: $id, at: $at) {
      id
      ...CampaignActions_campaign
    }
  }
`);

const DuplicateCampaignMutation = graphql(`
  mutation DuplicateCampaign($id: ID!, $withContacts: Boolean) {
    duplicateCampaign(id: $id, withContacts: $withContacts) {
      id
      name
    }
  }
`);

type Campaign = CampaignActions_CampaignFragment;

/** DRAFT → SCHEDULED: the campaign starts by itself at `at`. */
export function useScheduleCampaign() {
  const [mutate, state] = useMutation(ScheduleCampaignMutation);
  const run = (campaign: Campaign, at: Date) => mutate({ variables: { id: campaign.id, at: at.toISOString() } });
  return [run, state] as const;
}

/**
 * A new DRAFT copy, with the contacts when asked; resolves with its id. The campaigns list
 * refetches its page when shown (a new campaign's place in it is the server's to decide).
 */
export function useDuplicateCampaign() {
  const [mutate, state] = useMutation(DuplicateCampaignMutation, { refetchQueries: 'active' });
  const run = async (campaign: Campaign, withContacts: boolean) => {
    const result = await mutate({ variables: { id: campaign.id, withContacts } });
    return result.data?.duplicateCampaign.id ?? null;
  };
  return [run, state] as const;
}

/** Starts a DRAFT campaign: dialling begins. */
export function useStartCampaign() {
  const [mutate, state] = useMutation(StartCampaignMutation);
  const run = (campaign: Campaign) =>
    mutate({
      variables: { id: campaign.id },
      optimisticResponse: {
        startCampaign: {
          ...campaign,
          status: OPTIMISTIC_STATUS.start,
          startedAt: campaign.startedAt ?? new Date().toISOString(),
        },
      },
    });
  return [run, state] as const;
}

/** Pauses an ACTIVE campaign: live calls finish, no new ones start. */
export function usePauseCampaign() {
  const [mutate, state] = useMutation(PauseCampaignMutation);
  const run = (campaign: Campaign) =>
    mutate({
      variables: { id: campaign.id },
      optimisticResponse: { pauseCampaign: { ...campaign, status: OPTIMISTIC_STATUS.pause } },
    });
  return [run, state] as const;
}

/** Resumes a PAUSED campaign. */
export function useResumeCampaign() {
  const [mutate, state] = useMutation(ResumeCampaignMutation);
  const run = (campaign: Campaign) =>
    mutate({
      variables: { id: campaign.id },
      optimisticResponse: { resumeCampaign: { ...campaign, status: OPTIMISTIC_STATUS.resume } },
    });
  return [run, state] as const;
}

/** Cancels a campaign for good: contacts not yet called are skipped. */
export function useCancelCampaign() {
  const [mutate, state] = useMutation(CancelCampaignMutation);
  const run = (campaign: Campaign) =>
    mutate({
      variables: { id: campaign.id },
      optimisticResponse: { cancelCampaign: { ...campaign, status: OPTIMISTIC_STATUS.cancel } },
    });
  return [run, state] as const;
}

/**
 * Queues a COMPLETED campaign's failed contacts again. No optimistic response: the new
 * counters come from the API (and the progress subscription), a guess would flicker.
 */
export function useRetryFailedContacts() {
  const [mutate, state] = useMutation(RetryFailedContactsMutation);
  const run = (campaign: Campaign) => mutate({ variables: { id: campaign.id } });
  return [run, state] as const;
}
