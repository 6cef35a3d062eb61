import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import { useQuery } from '@apollo/client/react';
import { graphql } from '../gql';
import type { PhoneRow_PhoneFragment, TelephonyProvider } from '../gql/graphql';
import { toFormErrors } from '../shell/errors';
import { humanize } from '../shell/format';
import { EmptyState, ErrorState, Loading } from '../shell/states';
import {
  EMPTY_PHONE_FORM,
  phoneToForm,
  ANSWERED_RATE_FIELDS,
  RATE_FIELDS,
  toPhoneInput,
  toUpdatePhoneInput,
  validatePhoneForm,
} from './phone-form.validation';
import type { PhoneFormValues } from './phone-form.validation';
import { useCreatePhone } from './use-create-phone';
import { useUpdatePhone } from './use-update-phone';
import { useCan } from '../settings/use-role';

export const PhoneRowFragment = graphql(`
  fragment PhoneRow_phone on Phone {
    id
    name
    number
    provider
    providerPhoneId
    isDefault
    simulation {
      busyRate
      noAnswerRate
      failRate
      voicemailRate
      invalidRate
      optOutRate
      callbackRate
      minDurationMs
      maxDurationMs
    }
  }
`);

const PhonesPageQuery = graphql(`
  query PhonesPage {
    phones {
      id
      ...PhoneRow_phone
    }
  }
`);

const PROVIDERS: TelephonyProvider[] = ['SIMULATED', 'TWILIO', 'EXOTEL', 'VAPI', 'RETELL', 'ELEVENLABS'];

/** "Busy 10% · No answer 5% · Voicemail 10% · calls 2–8 s" */
function describeSimulation(sim: NonNullable<PhoneRow_PhoneFragment['simulation']>): string {
  const rates = [
    ['Busy', sim.busyRate],
    ['No answer', sim.noAnswerRate],
    ['Failed', sim.failRate],
    ['Voicemail', sim.voicemailRate],
    ['Invalid number', sim.invalidRate],
    ['Opts out (answered)', sim.optOutRate],
    ['Callback (answered)', sim.callbackRate],
  ] as const;
  const parts = rates
    .filter(([, rate]) => rate > 0)
    .map(([label, rate]) => `${label} ${Math.round(rate * 1000) / 10}%`);
  const seconds = (ms: number) => `${Math.round(ms / 100) / 10}`;
  parts.push(`calls ${seconds(sim.minDurationMs)}–${seconds(sim.maxDurationMs)} s`);
  return parts.join(' · ');
}

function PhoneRow({
  phone,
  onEdit,
  editing,
  canEdit,
}: {
  phone: PhoneRow_PhoneFragment;
  onEdit(): void;
  editing: boolean;
  canEdit: boolean;
}) {
  return (
    <tr aria-current={editing ? 'true' : undefined}>
      <td data-label="Phone">
        <span className="row-title">
          {phone.name} {phone.isDefault && <span className="badge">Default</span>}
        </span>
        {phone.simulation && <span className="row-sub">{describeSimulation(phone.simulation)}</span>}
      </td>
      <td data-label="Number" className="mono">
        {phone.number}
      </td>
      <td data-label="Provider">
        <span className={`badge badge-provider-${phone.provider.toLowerCase()}`}>{humanize(phone.provider)}</span>
      </td>
      <td className="cell-action">
        {canEdit && (
          <button type="button" className="button button-small" onClick={onEdit} aria-label={`Edit ${phone.name}`}>
            Edit
          </button>
        )}
      </td>
    </tr>
  );
}

/** Caller phone numbers, and how the simulator behaves for a simulated one. */
export function PhonesPage() {
  // Phones are managed by ADMINs: others get no form or edit button they could not use.
  const isAdmin = useCan('ADMIN');
  const id = useId();
  const { data, error, refetch } = useQuery(PhonesPageQuery);
  const [createPhone, createState] = useCreatePhone();
  const [updatePhone, updateState] = useUpdatePhone();
  const loading = createState.loading || updateState.loading;
  const [editing, setEditing] = useState<PhoneRow_PhoneFragment | null>(null);
  const [values, setValues] = useState<PhoneFormValues>(EMPTY_PHONE_FORM);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const set = (key: keyof PhoneFormValues, value: string) => setValues((v) => ({ ...v, [key]: value }));

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setCreated(null);
    setFormError(null);
    const clientErrors = validatePhoneForm(values);
    setErrors(clientErrors);
    if (Object.keys(clientErrors).length > 0) return;
    try {
      if (editing) {
        const phone = await updatePhone(editing.id, toUpdatePhoneInput(values));
        setEditing(null);
        setCreated(`Phone “${phone.name}” saved.`);
      } else {
        const phone = await createPhone(toPhoneInput(values));
        setCreated(`Phone “${phone.name}” added.`);
      }
      setValues(EMPTY_PHONE_FORM);
    } catch (e) {
      const result = toFormErrors(e);
      setErrors(result.fields);
      setFormError(result.form);
    }
  };

  const startEditing = (phone: PhoneRow_PhoneFragment) => {
    setEditing(phone);
    setValues(phoneToForm(phone));
    setErrors({});
    setFormError(null);
    setCreated(null);
    // The form sits beside (or, on a phone, below) the list: bring it into view.
    requestAnimationFrame(() => document.getElementById(fieldId('name'))?.focus());
  };
  const stopEditing = () => {
    setEditing(null);
    setValues(EMPTY_PHONE_FORM);
    setErrors({});
    setFormError(null);
  };

  const fieldId = (path: string) => `${id}-${path.replace(/\./g, '-')}`;
  const input = (path: string, key: keyof PhoneFormValues, label: string, props: Record<string, string> = {}) => (
    <div className="field">
      <label htmlFor={fieldId(path)}>{label}</label>
      <input
        id={fieldId(path)}
        value={values[key]}
        onChange={(event) => set(key, event.target.value)}
        aria-invalid={errors[path] ? true : undefined}
        aria-describedby={errors[path] ? `${fieldId(path)}-error` : undefined}
        {...props}
      />
      {errors[path] && (
        <p className="field-error" id={`${fieldId(path)}-error`}>
          {errors[path]}
        </p>
      )}
    </div>
  );
  /** A rate field, typed in percent (the API takes 0–1). */
  const percentInput = (field: { key: keyof PhoneFormValues; input: string; label: string }) =>
    input(`simulation.${field.input}`, field.key, `${field.label} %`, {
      type: 'number',
      min: '0',
      max: '100',
      step: 'any',
      inputMode: 'decimal',
    });

  return (
    <section>
      <div className="page-header">
        <div>
          <h1>Phones</h1>
          <p className="muted">The numbers your campaigns call from.</p>
        </div>
      </div>
      <div className="grid grid-sidebar">
        <div className="card table-card">
          {error && !data ? (
            <ErrorState error={error} onRetry={() => void refetch()} />
          ) : !data ? (
            <Loading label="Loading phones…" />
          ) : data.phones.length === 0 ? (
            <EmptyState title="No phones yet">
              Add one with the form; a simulated phone needs no provider account.
            </EmptyState>
          ) : (
            <table className="table table-responsive">
              <thead>
                <tr>
                  <th scope="col">Phone</th>
                  <th scope="col">Number</th>
                  <th scope="col">Provider</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.phones.map((phone) => (
                  <PhoneRow
                    key={phone.id}
                    phone={phone}
                    editing={editing?.id === phone.id}
                    onEdit={() => startEditing(phone)}
                    canEdit={isAdmin}
                  />
                ))}
              </tbody>
            </table>
          )}
        </div>
        {isAdmin && (
          <form className="card form" onSubmit={onSubmit} noValidate aria-labelledby={`${id}-title`}>
            <h2 id={`${id}-title`}>{editing ? `Edit ${editing.name}` : 'New phone'}</h2>
            {input('name', 'name', 'Name', { autoComplete: 'off' })}
            {input('number', 'number', 'Number', {
              inputMode: 'tel',
              placeholder: '+14155550100',
              autoComplete: 'off',
            })}
            <div className="field">
              <label htmlFor={fieldId('provider')}>Provider</label>
              <select
                id={fieldId('provider')}
                value={values.provider}
                disabled={editing !== null}
                onChange={(event) => set('provider', event.target.value)}
              >
                {PROVIDERS.map((provider) => (
                  <option key={provider} value={provider}>
                    {humanize(provider)}
                  </option>
                ))}
              </select>
              {errors['provider'] && <p className="field-error">{errors['provider']}</p>}
            </div>
            {(values.provider === 'VAPI' || values.provider === 'ELEVENLABS') &&
              input(
                'providerPhoneId',
                'providerPhoneId',
                values.provider === 'VAPI' ? 'Vapi phone number id' : 'ElevenLabs phone number id',
                {
                  placeholder:
                    values.provider === 'VAPI' ? 'From Vapi: Phone Numbers' : 'From ElevenLabs: Phone Numbers',
                },
              )}
            {values.provider === 'SIMULATED' && (
              <fieldset className="form-section">
                <legend>Simulated outcomes</legend>
                <p className="field-hint">
                  Chance of each outcome, in percent; the rest of the calls are answered and complete.
                </p>
                <div className="field-row">{RATE_FIELDS.map(percentInput)}</div>
                <p className="field-hint">
                  What an answered contact asks for, in percent of answered calls: not to be called again, or a
                  callback.
                </p>
                <div className="field-row">{ANSWERED_RATE_FIELDS.map(percentInput)}</div>
                <p className="field-hint">How long an answered call lasts, picked between the two, in milliseconds.</p>
                <div className="field-row">
                  {input('simulation.minDurationMs', 'minDurationMs', 'Shortest call (ms)', {
                    type: 'number',
                    min: '0',
                    step: '1',
                    inputMode: 'numeric',
                  })}
                  {input('simulation.maxDurationMs', 'maxDurationMs', 'Longest call (ms)', {
                    type: 'number',
                    min: '0',
                    step: '1',
                    inputMode: 'numeric',
                  })}
                </div>
              </fieldset>
            )}
            {formError && (
              <p className="form-error" role="alert">
                {formError}
              </p>
            )}
            {created && (
              <p className="notice" role="status">
                {created}
              </p>
            )}
            <div className="form-actions">
              {editing && (
                <button type="button" className="button button-ghost" onClick={stopEditing}>
                  Cancel
                </button>
              )}
              <button type="submit" className="button button-primary" disabled={loading}>
                {loading ? 'Saving…' : editing ? 'Save phone' : 'Add phone'}
              </button>
            </div>
          </form>
        )}
      </div>
    </section>
  );
}
