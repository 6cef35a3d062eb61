import { useId, useRef, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { Link } from 'react-router';
import { graphql } from '../gql';
import type {
  AmbiguousTimezone,
  CampaignForm_AgentFragment,
  CampaignForm_PhoneFragment,
  PriorityMode,
} from '../gql/graphql';
import type { FormErrors } from '../shell/errors';
import { humanize } from '../shell/format';
import { SETTING_LIMITS, shorthandRows, validateCampaignForm } from './campaign-form.validation';
import type { CampaignFormValues, RetryRuleRow } from './campaign-form.validation';

const OUTCOME_LABELS: Record<RetryRuleRow['outcome'], string> = {
  BUSY: 'Busy',
  NO_ANSWER: 'No answer',
  FAILED: 'Failed (errors)',
  VOICEMAIL: 'Voicemail',
};

export const CampaignFormAgentFragment = graphql(`
  fragment CampaignForm_agent on Agent {
    id
    name
  }
`);

/**
 * The settings a campaign form edits (and the campaign page shows): every query or mutation that
 * reads a campaign's settings spreads this, so a new setting is added here once.
 */
export const CampaignFormSettingsFragment = graphql(`
  fragment CampaignForm_settings on CampaignSettings {
    concurrentCallsLimit
    retryFailedCalls
    maxRetryAttempts
    retryDelayMinutes
    excludeVoicemail
    priorityMode
    ambiguousTimezones
    retryRules {
      outcome
      maxAttempts
      delayMinutes
      backoff
    }
  }
`);

export const CampaignFormPhoneFragment = graphql(`
  fragment CampaignForm_phone on Phone {
    id
    name
    number
    provider
  }
`);

const PRIORITY_MODES: { value: PriorityMode; label: string }[] = [
  { value: 'FIFO', label: 'First in, first out: contacts in the order they were added' },
  { value: 'LIFO', label: 'Last in, first out: newest contacts first' },
  { value: 'PRIORITY', label: 'Priority: highest contact priority first' },
];

/** The choices for numbers whose prefix spans several time zones (AmbiguousTimezone in the schema). */
const AMBIGUOUS_TIMEZONES: { value: AmbiguousTimezone; label: string }[] = [
  { value: 'MOST_RESTRICTIVE', label: 'Call only when the window is open in every zone the number may be in' },
  { value: 'CAMPAIGN_ZONE', label: "Use the campaign's time zone" },
  { value: 'SKIP', label: 'Do not call them (skipped: no time zone)' },
];

export interface CampaignFormProps {
  mode: 'create' | 'edit';
  initialValues: CampaignFormValues;
  agents: readonly CampaignForm_AgentFragment[];
  phones: readonly CampaignForm_PhoneFragment[];
  /** Sends the form; resolves with the API's errors, or null when it succeeded. */
  onSubmit(values: CampaignFormValues): Promise<FormErrors | null>;
  cancelTo: string;
}

/**
 * Creates or edits a campaign. Checks every setting against its limits before sending,
 * and shows the API's own validation messages next to the fields they name.
 */
export function CampaignForm({ mode, initialValues, agents, phones, onSubmit, cancelTo }: CampaignFormProps) {
  const id = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const [values, setValues] = useState(initialValues);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  // Editing a field clears its message: the operator is acting on it.
  const clearError = (path: string) =>
    setErrors((current) => {
      if (!(path in current)) return current;
      const { [path]: _cleared, ...rest } = current;
      return rest;
    });
  const set = <K extends keyof CampaignFormValues>(key: K, value: CampaignFormValues[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
    clearError(key);
  };
  const setSetting = <K extends keyof CampaignFormValues['settings']>(
    key: K,
    value: CampaignFormValues['settings'][K],
  ) => {
    setValues((v) => ({ ...v, settings: { ...v.settings, [key]: value } }));
    clearError(`settings.${key}`);
    // Turning retries off makes the retry fields irrelevant, and their messages with them.
    if (key === 'retryFailedCalls' && value === false) {
      clearError('settings.maxRetryAttempts');
      clearError('settings.retryDelayMinutes');
    }
  };

  // Without custom rules the table shows what the four retry fields build, as they are typed.
  const ruleRows = values.settings.customRetryRules ? values.settings.retryRules : shorthandRows(values.settings);
  const setCustomRules = (custom: boolean) => {
    setValues((v) => ({
      ...v,
      // Switching on starts from the rules the fields build now.
      settings: {
        ...v.settings,
        customRetryRules: custom,
        retryRules: custom ? shorthandRows(v.settings) : v.settings.retryRules,
      },
    }));
    if (!custom) for (const path of Object.keys(errors)) if (path.startsWith('settings.retryRules')) clearError(path);
  };
  const setRule = <K extends 'maxAttempts' | 'delayMinutes' | 'backoff'>(i: number, key: K, value: RetryRuleRow[K]) => {
    setValues((v) => ({
      ...v,
      settings: {
        ...v.settings,
        retryRules: v.settings.retryRules.map((row, j) => (j === i ? { ...row, [key]: value } : row)),
      },
    }));
    clearError(`settings.retryRules[${i}].${key}`);
  };
  const ruleCell = (i: number, key: 'maxAttempts' | 'delayMinutes', label: string) => {
    const full = `settings.retryRules[${i}].${key}`;
    const limits = key === 'maxAttempts' ? SETTING_LIMITS.ruleMaxAttempts : SETTING_LIMITS.retryDelayMinutes;
    return (
      <td>
        <input
          id={fieldId(full)}
          type="number"
          aria-label={label}
          min={limits.min}
          max={limits.max}
          step={key === 'maxAttempts' ? '1' : 'any'}
          value={ruleRows[i]![key]}
          disabled={!values.settings.customRetryRules}
          onChange={(event) => setRule(i, key, event.target.value)}
          aria-invalid={invalid(full)}
          aria-describedby={describe(full)}
        />
        {fieldError(full)}
      </td>
    );
  };

  const focusFirstError = () => {
    // After React renders the messages: move focus to the first field that has one.
    requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
  };

  const handleSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const clientErrors = validateCampaignForm(values, mode);
    setErrors(clientErrors);
    setFormError(null);
    if (Object.keys(clientErrors).length > 0) {
      focusFirstError();
      return;
    }
    setSubmitting(true);
    try {
      const result = await onSubmit(values);
      if (result) {
        setErrors(result.fields);
        setFormError(result.form);
        focusFirstError();
      }
    } finally {
      setSubmitting(false);
    }
  };

  const fieldId = (path: string) => `${id}-${path.replace(/\./g, '-')}`;
  const describe = (path: string, hint?: boolean) => {
    const ids = [hint ? `${fieldId(path)}-hint` : null, errors[path] ? `${fieldId(path)}-error` : null].filter(Boolean);
    return ids.length > 0 ? ids.join(' ') : undefined;
  };
  const fieldError = (path: string) =>
    errors[path] ? (
      <p className="field-error" id={`${fieldId(path)}-error`}>
        {errors[path]}
      </p>
    ) : null;
  const hint = (path: string, text: ReactNode) => (
    <p className="field-hint" id={`${fieldId(path)}-hint`}>
      {text}
    </p>
  );
  const invalid = (path: string) => (errors[path] ? true : undefined);

  const numberField = (
    path: 'concurrentCallsLimit' | 'maxRetryAttempts' | 'retryDelayMinutes',
    label: string,
    hintText: string,
    step: string,
    disabled = false,
  ) => {
    const full = `settings.${path}`;
    const limits = SETTING_LIMITS[path];
    return (
      <div className="field">
        <label htmlFor={fieldId(full)}>{label}</label>
        <input
          id={fieldId(full)}
          type="number"
          inputMode={step === '1' ? 'numeric' : 'decimal'}
          min={limits.min}
          max={limits.max}
          step={step}
          value={values.settings[path]}
          disabled={disabled}
          onChange={(event) => setSetting(path, event.target.value)}
          aria-invalid={invalid(full)}
          aria-describedby={describe(full, true)}
        />
        {hint(full, hintText)}
        {fieldError(full)}
      </div>
    );
  };

  // Errors the API reported for fields this form does not show still need a place.
  const shown = new Set([
    ...values.settings.retryRules.flatMap((_, i) =>
      values.settings.customRetryRules
        ? [`settings.retryRules[${i}].maxAttempts`, `settings.retryRules[${i}].delayMinutes`]
        : [],
    ),
    'name',
    'description',
    'agentId',
    'phoneId',
    'settings.concurrentCallsLimit',
    'settings.maxRetryAttempts',
    'settings.retryDelayMinutes',
    'settings.retryFailedCalls',
    'settings.excludeVoicemail',
    'settings.priorityMode',
    'settings.ambiguousTimezones',
  ]);
  const unplaced = Object.entries(errors).filter(([path]) => !shown.has(path));

  return (
    <form
      ref={formRef}
      className="form card"
      onSubmit={handleSubmit}
      noValidate
      aria-describedby={formError ? `${id}-form-error` : undefined}
    >
      <fieldset className="form-section">
        <legend>Campaign</legend>
        <div className="field">
          <label htmlFor={fieldId('name')}>Name</label>
          <input
            id={fieldId('name')}
            value={values.name}
            maxLength={400}
            onChange={(event) => set('name', event.target.value)}
            aria-invalid={invalid('name')}
            aria-describedby={describe('name')}
            autoComplete="off"
          />
          {fieldError('name')}
        </div>
        <div className="field">
          <label htmlFor={fieldId('description')}>
            Description <span className="optional">(optional)</span>
          </label>
          <textarea
            id={fieldId('description')}
            rows={2}
            value={values.description}
            onChange={(event) => set('description', event.target.value)}
            aria-invalid={invalid('description')}
            aria-describedby={describe('description')}
          />
          {fieldError('description')}
        </div>
        <div className="field-row">
          <div className="field">
            <label htmlFor={fieldId('agentId')}>Voice agent</label>
            <select
              id={fieldId('agentId')}
              value={values.agentId}
              disabled={mode === 'edit'}
              onChange={(event) => set('agentId', event.target.value)}
              aria-invalid={invalid('agentId')}
              aria-describedby={describe('agentId', true)}
            >
              <option value="">Choose an agent…</option>
              {agents.map((agent) => (
                <option key={agent.id} value={agent.id}>
                  {agent.name}
                </option>
              ))}
            </select>
            {hint(
              'agentId',
              mode === 'edit' ? (
                'The agent cannot change once a campaign exists.'
              ) : agents.length === 0 ? (
                <>
                  No agents yet: <Link to="/agents">create one</Link> first.
                </>
              ) : (
                'Who speaks on the calls.'
              ),
            )}
            {fieldError('agentId')}
          </div>
          <div className="field">
            <label htmlFor={fieldId('phoneId')}>Caller phone</label>
            <select
              id={fieldId('phoneId')}
              value={values.phoneId}
              disabled={mode === 'edit'}
              onChange={(event) => set('phoneId', event.target.value)}
              aria-invalid={invalid('phoneId')}
              aria-describedby={describe('phoneId', true)}
            >
              <option value="">Organization default</option>
              {phones.map((phone) => (
                <option key={phone.id} value={phone.id}>
                  {phone.name} · {phone.number} ({humanize(phone.provider)})
                </option>
              ))}
            </select>
            {hint(
              'phoneId',
              mode === 'edit' ? 'The caller number cannot change once a campaign exists.' : 'The number contacts see.',
            )}
            {fieldError('phoneId')}
          </div>
        </div>
      </fieldset>

      <fieldset className="form-section">
        <legend>Dialling</legend>
        <div className="field-row">
          {numberField(
            'concurrentCallsLimit',
            'Concurrent calls',
            `Live calls at once, ${SETTING_LIMITS.concurrentCallsLimit.min}–${SETTING_LIMITS.concurrentCallsLimit.max}.`,
            '1',
          )}
          <div className="field">
            <label htmlFor={fieldId('settings.priorityMode')}>Order</label>
            <select
              id={fieldId('settings.priorityMode')}
              value={values.settings.priorityMode}
              onChange={(event) => setSetting('priorityMode', event.target.value as PriorityMode)}
              aria-invalid={invalid('settings.priorityMode')}
              aria-describedby={describe('settings.priorityMode')}
            >
              {PRIORITY_MODES.map((mode) => (
                <option key={mode.value} value={mode.value}>
                  {mode.label}
                </option>
              ))}
            </select>
            {fieldError('settings.priorityMode')}
          </div>
        </div>
        <div className="field">
          <label htmlFor={fieldId('settings.ambiguousTimezones')}>Numbers in several time zones</label>
          <select
            id={fieldId('settings.ambiguousTimezones')}
            value={values.settings.ambiguousTimezones}
            onChange={(event) => setSetting('ambiguousTimezones', event.target.value as AmbiguousTimezone)}
            aria-invalid={invalid('settings.ambiguousTimezones')}
            aria-describedby={describe('settings.ambiguousTimezones', true)}
          >
            {AMBIGUOUS_TIMEZONES.map((choice) => (
              <option key={choice.value} value={choice.value}>
                {choice.label}
              </option>
            ))}
          </select>
          {hint(
            'settings.ambiguousTimezones',
            'For contacts without a time zone whose area code spans several (in the US, Canada, Australia, Brazil, Mexico…).',
          )}
          {fieldError('settings.ambiguousTimezones')}
        </div>
      </fieldset>

      <fieldset className="form-section">
        <legend>Retries</legend>
        <div className="field field-check">
          <input
            id={fieldId('settings.retryFailedCalls')}
            type="checkbox"
            checked={values.settings.retryFailedCalls}
            onChange={(event) => setSetting('retryFailedCalls', event.target.checked)}
          />
          <label htmlFor={fieldId('settings.retryFailedCalls')}>Retry calls that fail (busy, no answer, errors)</label>
          {fieldError('settings.retryFailedCalls')}
        </div>
        <div className="field-row">
          {numberField(
            'maxRetryAttempts',
            'Retries per contact',
            `${SETTING_LIMITS.maxRetryAttempts.min}–${SETTING_LIMITS.maxRetryAttempts.max} retries after the first call.`,
            '1',
            !values.settings.retryFailedCalls,
          )}
          {numberField(
            'retryDelayMinutes',
            'Minutes between retries',
            `${SETTING_LIMITS.retryDelayMinutes.min}–${SETTING_LIMITS.retryDelayMinutes.max.toLocaleString('en-US')} (one week); fractions allowed.`,
            'any',
            !values.settings.retryFailedCalls,
          )}
        </div>
        <div className="field field-check">
          <input
            id={fieldId('settings.excludeVoicemail')}
            type="checkbox"
            checked={values.settings.excludeVoicemail}
            onChange={(event) => setSetting('excludeVoicemail', event.target.checked)}
          />
          <label htmlFor={fieldId('settings.excludeVoicemail')}>
            Do not retry contacts whose call reached voicemail
          </label>
          {fieldError('settings.excludeVoicemail')}
        </div>
        <div className="field field-check">
          <input
            id={fieldId('settings.customRetryRules')}
            type="checkbox"
            checked={values.settings.customRetryRules}
            onChange={(event) => setCustomRules(event.target.checked)}
          />
          <label htmlFor={fieldId('settings.customRetryRules')}>Set the rules per outcome</label>
        </div>
        <table className="table retry-rules">
          <caption className="field-hint">
            {values.settings.customRetryRules
              ? 'Exponential backoff doubles the wait before each retry, up to 24 hours.'
              : 'The rules the settings above give each outcome.'}
          </caption>
          <thead>
            <tr>
              <th scope="col">Outcome</th>
              <th scope="col">Calls in all</th>
              <th scope="col">Minutes before a retry</th>
              <th scope="col">Backoff</th>
            </tr>
          </thead>
          <tbody>
            {ruleRows.map((row, i) => (
              <tr key={row.outcome}>
                <th scope="row">{OUTCOME_LABELS[row.outcome]}</th>
                {ruleCell(i, 'maxAttempts', `${OUTCOME_LABELS[row.outcome]}: calls in all`)}
                {ruleCell(i, 'delayMinutes', `${OUTCOME_LABELS[row.outcome]}: minutes before a retry`)}
                <td>
                  <select
                    aria-label={`${OUTCOME_LABELS[row.outcome]}: backoff`}
                    value={row.backoff}
                    disabled={!values.settings.customRetryRules}
                    onChange={(event) => setRule(i, 'backoff', event.target.value as RetryRuleRow['backoff'])}
                  >
                    <option value="FIXED">Fixed</option>
                    <option value="EXPONENTIAL">Exponential</option>
                  </select>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </fieldset>

      {(formError || unplaced.length > 0) && (
        <div className="form-error" role="alert" id={`${id}-form-error`}>
          {formError && <p>{formError}</p>}
          {unplaced.map(([path, message]) => (
            <p key={path}>
              {path}: {message}
            </p>
          ))}
        </div>
      )}

      <div className="form-actions">
        <Link to={cancelTo} className="button button-ghost">
          Cancel
        </Link>
        <button type="submit" className="button button-primary" disabled={submitting}>
          {submitting ? 'Saving…' : mode === 'create' ? 'Create campaign' : 'Save changes'}
        </button>
      </div>
    </form>
  );
}
