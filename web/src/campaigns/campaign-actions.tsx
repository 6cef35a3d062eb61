import { useId, useState } from 'react';
import { useNavigate } from 'react-router';
import { graphql } from '../gql';
import type { CampaignActions_CampaignFragment } from '../gql/graphql';
import { errorMessage } from '../shell/errors';
import { formatDateTime } from '../shell/format';
import { useCan } from '../settings/use-role';
import { canRun } from './campaign-status';
import type { CampaignAction } from './campaign-status';
import {
  useCancelCampaign,
  useDuplicateCampaign,
  usePauseCampaign,
  useScheduleCampaign,
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
    scheduledAt
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
  const [schedule, scheduleState] = useScheduleCampaign();
  const [duplicate, duplicateState] = useDuplicateCampaign();
  const navigate = useNavigate();
  const id = useId();
  // "YYYY-MM-DDTHH:mm" in the browser's zone, as <input type="datetime-local"> takes it.
  const [startAt, setStartAt] = useState('');
  const [withContacts, setWithContacts] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // A VIEWER sees no action it cannot run (the API would refuse each with FORBIDDEN).
  const canOperate = useCan('OPERATOR');
  const busy =
    startState.loading ||
    pauseState.loading ||
    resumeState.loading ||
    cancelState.loading ||
    retryState.loading ||
    scheduleState.loading ||
    duplicateState.loading;

  const runSchedule = async () => {
    setError(null);
    const at = new Date(startAt);
    if (!startAt || Number.isNaN(at.getTime())) return setError('Pick the date and time to start.');
    if (at.getTime() <= Date.now()) return setError('Pick a time in the future, or start the campaign now.');
    try {
      await schedule(campaign, at);
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const runDuplicate = async () => {
    setError(null);
    try {
      const copyId = await duplicate(campaign, withContacts);
      if (copyId) navigate(`/campaigns/${copyId}`);
    } catch (e) {
      setError(errorMessage(e));
    }
  };

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
      {campaign.status === 'SCHEDULED' && campaign.scheduledAt && (
        <p className="muted">Starts by itself at {formatDateTime(campaign.scheduledAt)}.</p>
      )}
      {campaign.status === 'DRAFT' && (
        <div className="actions-buttons" role="group" aria-label="Schedule">
          <label htmlFor={`${id}-start-at`}>Start at</label>
          <input
            id={`${id}-start-at`}
            type="datetime-local"
            value={startAt}
            onChange={(event) => setStartAt(event.target.value)}
          />
          <button
            type="button"
            className="button"
            disabled={busy || !hasContacts}
            title={!hasContacts ? 'Import contacts first' : undefined}
            onClick={() => void runSchedule()}
          >
            Schedule
          </button>
        </div>
      )}
      <div className="actions-buttons" role="group" aria-label="Campaign menu">
        <button type="button" className="button" disabled={busy} onClick={() => void runDuplicate()}>
          Duplicate
        </button>
        <label>
          <input type="checkbox" checked={withContacts} onChange={(event) => setWithContacts(event.target.checked)} />{' '}
          with its contacts
        </label>
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
