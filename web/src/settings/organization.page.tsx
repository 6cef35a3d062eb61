import { Fragment, useId, useState } from 'react';
import type { FormEvent } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { graphql } from '../gql';
import type { OrganizationSettingsInput } from '../gql/graphql';
import { toFormErrors } from '../shell/errors';
import type { FormErrors } from '../shell/errors';
import { ErrorState, Loading } from '../shell/states';
import { CAP_FIELDS, CapInputs, capText, readCaps } from './frequency-caps';
import { useCan } from './use-role';

const OrganizationPageQuery = graphql(`
  query OrganizationPage {
    organization {
      id
      name
      settings {
        maxCallsPerNumberPerDay
        maxCallsPerNumberPerWeek
      }
    }
  }
`);

const UpdateOrganizationSettingsMutation = graphql(`
  mutation UpdateOrganizationSettings($input: OrganizationSettingsInput!) {
    updateOrganizationSettings(input: $input) {
      id
      settings {
        maxCallsPerNumberPerDay
        maxCallsPerNumberPerWeek
      }
    }
  }
`);

/** Saves the settings. Cache: the Organization entity updates itself (normalized by id). */
function useUpdateOrganizationSettings() {
  const [mutate, state] = useMutation(UpdateOrganizationSettingsMutation);
  return [(input: OrganizationSettingsInput) => mutate({ variables: { input } }), state] as const;
}

const NO_ERRORS: FormErrors = { fields: {}, form: null };

/** The organization's settings: frequency caps. ADMINs edit them; everyone else sees them. */
export function OrganizationPage() {
  const id = useId();
  const { data, error, refetch } = useQuery(OrganizationPageQuery);
  const isAdmin = useCan('ADMIN');
  const [save, saveState] = useUpdateOrganizationSettings();
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [saved, setSaved] = useState(false);

  if (error) return <ErrorState error={error} onRetry={() => void refetch()} />;
  if (!data) return <Loading label="Loading organization…" />;
  const { settings } = data.organization;

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSaved(false);
    const caps = readCaps(new FormData(event.currentTarget));
    if (Object.keys(caps.errors).length > 0) {
      setErrors({ fields: caps.errors, form: null });
      return;
    }
    setErrors(NO_ERRORS);
    try {
      await save(caps.settings);
      setSaved(true);
    } catch (e) {
      setErrors(toFormErrors(e));
    }
  };

  const intro = (
    <p className="field-hint">
      How often one number may be called, across all of {data.organization.name}&apos;s campaigns, in any rolling 24
      hours and 7 days. A contact whose number reached a cap waits until it may be called again (the contact list says
      so); it is not skipped.
    </p>
  );

  if (!isAdmin) {
    return (
      <section className="card" aria-labelledby={`${id}-title`}>
        <h2 id={`${id}-title`}>Call frequency caps</h2>
        {intro}
        <dl className="facts">
          {CAP_FIELDS.map(({ name, label }) => (
            <Fragment key={name}>
              <dt>{label}</dt>
              <dd>{capText(settings[name])}</dd>
            </Fragment>
          ))}
        </dl>
      </section>
    );
  }

  return (
    // Keyed by the saved values, so the fields show what the server holds after a save or a refetch.
    <form
      key={`${settings.maxCallsPerNumberPerDay}/${settings.maxCallsPerNumberPerWeek}`}
      className="card form"
      onSubmit={onSubmit}
      noValidate
      aria-labelledby={`${id}-title`}
    >
      <h2 id={`${id}-title`}>Call frequency caps</h2>
      {intro}
      <CapInputs id={id} defaults={settings} errors={errors.fields} />
      {errors.form && (
        <p className="form-error" role="alert">
          {errors.form}
        </p>
      )}
      {saved && (
        <p className="notice" role="status">
          Saved. The caps apply to the next calls of every campaign.
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={saveState.loading}>
          Save caps
        </button>
      </div>
    </form>
  );
}
