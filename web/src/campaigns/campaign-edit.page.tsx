import { Link, useNavigate, useParams } from 'react-router';
import { useQuery } from '@apollo/client/react';
import { graphql } from '../gql';
import { toFormErrors } from '../shell/errors';
import { EmptyState, ErrorState, Loading } from '../shell/states';
import { CampaignForm } from './campaign-form';
import { retryRuleValues, toSettingsInput } from './campaign-form.validation';
import type { CampaignFormValues } from './campaign-form.validation';
import { useUpdateCampaign } from './use-update-campaign';

const CampaignEditPageQuery = graphql(`
  query CampaignEditPage($id: ID!) {
    campaign(id: $id) {
      id
      name
      description
      status
      agent {
        id
        ...CampaignForm_agent
      }
      phone {
        id
        ...CampaignForm_phone
      }
      settings {
        ...CampaignForm_settings
      }
    }
  }
`);

/** Edits a campaign's name, description and settings. */
export function CampaignEditPage() {
  const { campaignId = '' } = useParams();
  const navigate = useNavigate();
  const { data, error, refetch } = useQuery(CampaignEditPageQuery, { variables: { id: campaignId } });
  const [updateCampaign] = useUpdateCampaign();

  if (error && !data) return <ErrorState error={error} onRetry={() => void refetch()} />;
  if (!data) return <Loading />;
  const campaign = data.campaign;
  if (!campaign)
    return (
      <EmptyState
        title="Campaign not found"
        action={
          <Link to="/campaigns" className="button">
            Back to campaigns
          </Link>
        }
      >
        It may have been deleted.
      </EmptyState>
    );

  const initialValues: CampaignFormValues = {
    name: campaign.name,
    description: campaign.description ?? '',
    agentId: campaign.agent.id,
    phoneId: campaign.phone.id,
    settings: {
      concurrentCallsLimit: String(campaign.settings.concurrentCallsLimit),
      retryFailedCalls: campaign.settings.retryFailedCalls,
      maxRetryAttempts: String(campaign.settings.maxRetryAttempts),
      retryDelayMinutes: String(campaign.settings.retryDelayMinutes),
      excludeVoicemail: campaign.settings.excludeVoicemail,
      priorityMode: campaign.settings.priorityMode,
      ambiguousTimezones: campaign.settings.ambiguousTimezones,
      ...retryRuleValues(
        {
          retryFailedCalls: campaign.settings.retryFailedCalls,
          maxRetryAttempts: String(campaign.settings.maxRetryAttempts),
          retryDelayMinutes: String(campaign.settings.retryDelayMinutes),
          excludeVoicemail: campaign.settings.excludeVoicemail,
        },
        campaign.settings.retryRules,
      ),
    },
  };

  const onSubmit = async (values: CampaignFormValues) => {
    try {
      await updateCampaign(campaign.id, {
        name: values.name.trim(),
        description: values.description.trim() || null,
        settings: toSettingsInput(values.settings),
      });
      navigate(`/campaigns/${campaign.id}`);
      return null;
    } catch (e) {
      return toFormErrors(e);
    }
  };

  return (
    <section>
      <div className="page-header">
        <div>
          <p className="breadcrumb">
            <Link to={`/campaigns/${campaign.id}`}>{campaign.name}</Link>
          </p>
          <h1>Edit campaign</h1>
          <p className="muted">Changes to dialling take effect for the next call.</p>
        </div>
      </div>
      <CampaignForm
        mode="edit"
        initialValues={initialValues}
        agents={[campaign.agent]}
        phones={[campaign.phone]}
        onSubmit={onSubmit}
        cancelTo={`/campaigns/${campaign.id}`}
      />
    </section>
  );
}
