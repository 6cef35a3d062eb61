import { useState } from 'react';
import { graphql } from '../gql';
import type { CampaignActions_CampaignFragment } from '../gql/graphql';
import { errorMessage } from '../shell/errors';
import { useCan } from '../settings/use-role';
import { canRun } from './campaign-status';
import type { CampaignAction } from './campaign-status';
import {
  useCancelCampaign,
  usePauseCampaign,
  useResumeCampaign,
  useRetryFailedContacts,
  useStartCampaign,
} from './use-campaign-actions';

export const CampaignActionsFragment = graphql(`
  fragment CampaignActions_campaign on Campaign {
    id
    status
    startedAt
    completedAt
  }
`);

const LABELS: Record<CampaignAction, string> = {
  start: 'Start',
  pause: 'Pause',
  resume: 'Resume',
  cancel: 'Cancel campaign',
  retryFailed: 'Retry failed',
};

/** Start, pause, resume, cancel, retry failed: each enabled only when the status allows it. */
export function CampaignActions({
  campaign,
  hasContacts,
}: {
  campaign: CampaignActions_CampaignFragment;
  hasContacts: boolean;
}) {
  const [start, startState] = useStartCampaign();
  const [pause, pauseState] = usePauseCampaign();
  const [resume, resumeState] = useResumeCampaign();
  const [cancel, cancelState] = useCancelCampaign();
  const [retryFailed, retryState] = useRetryFailedContacts();
  const [error, setError] = useState<string | null>(null);
  // A VIEWER sees no action it cannot run (the API would refuse each with FORBIDDEN).
  const canOperate = useCan('OPERATOR');
  const busy =
    startState.loading || pauseState.loading || resumeState.loading || cancelState.loading || retryState.loading;

  const run = async (action: CampaignAction) => {
    setError(null);
    if (
      action === 'cancel' &&
      !window.confirm('Cancel this campaign? Contacts not yet called will be skipped. This cannot be undone.')
    )
      return;
    const runners = { start, pause, resume, cancel, retryFailed };
    try {
      await runners[action](campaign);
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const button = (action: CampaignAction, variant: string) => {
    const allowed = canRun(campaign.status, action) && !(action === 'start' && !hasContacts);
    return (
      <button
        type="button"
        className={`button ${variant}`}
        disabled={!allowed || busy}
        title={action === 'start' && !hasContacts ? 'Import contacts first' : undefined}
        onClick={() => void run(action)}
      >
        {LABELS[action]}
      </button>
    );
  };

  if (!canOperate) return null;
  return (
    <div className="actions">
      <div className="actions-buttons" role="group" aria-label="Campaign actions">
        {button('start', 'button-primary')}
        {button('pause', '')}
        {button('resume', 'button-primary')}
        {button('retryFailed', '')}
        {button('cancel', 'button-danger')}
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
