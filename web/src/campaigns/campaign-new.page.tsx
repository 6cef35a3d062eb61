import { useNavigate } from 'react-router';
import { useQuery } from '@apollo/client/react';
import { graphql } from '../gql';
import { toFormErrors } from '../shell/errors';
import { ErrorState, Loading } from '../shell/states';
import { CampaignForm } from './campaign-form';
import { EMPTY_CAMPAIGN_FORM, toSettingsInput } from './campaign-form.validation';
import type { CampaignFormValues } from './campaign-form.validation';
import { useCreateCampaign } from './use-create-campaign';

const CampaignNewPageQuery = graphql(`
  query CampaignNewPage {
    agents {
      id
      ...CampaignForm_agent
    }
    phones {
      id
      ...CampaignForm_phone
    }
  }
`);

/** Creates a campaign, then goes straight to loading its contacts. */
export function CampaignNewPage() {
  const navigate = useNavigate();
  const { data, error, refetch } = useQuery(CampaignNewPageQuery);
  const [createCampaign] = useCreateCampaign();

  const onSubmit = async (values: CampaignFormValues) => {
    try {
      const campaign = await createCampaign({
        name: values.name.trim(),
        description: values.description.trim() || null,
        agentId: values.agentId,
        phoneId: values.phoneId || null,
        settings: toSettingsInput(values.settings),
      });
      navigate(`/campaigns/${campaign.id}/import`);
      return null;
    } catch (e) {
      return toFormErrors(e);
    }
  };

  return (
    <section>
      <div className="page-header">
        <div>
          <h1>New campaign</h1>
          <p className="muted">Pick who calls and how; you load contacts next.</p>
        </div>
      </div>
      {error && !data ? (
        <ErrorState error={error} onRetry={() => void refetch()} />
      ) : !data ? (
        <Loading />
      ) : (
        <CampaignForm
          mode="create"
          initialValues={{
            ...EMPTY_CAMPAIGN_FORM,
            agentId: data.agents.length === 1 ? (data.agents[0]?.id ?? '') : '',
          }}
          agents={data.agents}
          phones={data.phones}
          onSubmit={onSubmit}
          cancelTo="/campaigns"
        />
      )}
    </section>
  );
}
