import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import { useApolloClient } from '@apollo/client/react';
import { useSession } from '../session/session.context';
import { toFormErrors } from '../shell/errors';
import { formatCount } from '../shell/format';
import { forgetDoNotCallLists } from './forget-dnc';
import { uploadDoNotCallCsv } from './upload-dnc';
import type { DoNotCallImportReport } from './upload-dnc';
import { useAddDoNotCall } from './use-add-dnc';
import { RejectedRowsTable, SHOWN_REJECTED_ROWS } from '../contacts/rejected-rows-table';

/** Numbers as typed: one per line, or separated by commas or semicolons (spaces stay inside a number). */
export function splitNumbers(text: string): string[] {
  return text
    .split(/[\n,;]+/)
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/** A refusal names the input as `phoneNumbers.<index>`: say which number typed, from 1. */
function fieldMessage(fields: Record<string, string>): string | null {
  const [field, message] = Object.entries(fields)[0] ?? [];
  if (!field || !message) return null;
  const index = /^phoneNumbers\.(\d+)$/.exec(field)?.[1];
  return index === undefined ? message : `Number ${Number(index) + 1}: ${message}`;
}

/** Adds one or several numbers (MANUAL, by the signed-in user). */
export function AddNumbersForm() {
  const id = useId();
  const [add, { loading }] = useAddDoNotCall();
  const [text, setText] = useState('');
  const [message, setMessage] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const numbers = splitNumbers(text);
    if (numbers.length === 0) {
      setMessage({ tone: 'error', text: 'Type at least one phone number.' });
      return;
    }
    setMessage(null);
    try {
      const added = await add(numbers);
      const listed = numbers.length - added;
      setMessage({
        tone: 'ok',
        text: `Added ${formatCount(added)} ${added === 1 ? 'number' : 'numbers'}${listed > 0 ? `; ${formatCount(listed)} already listed` : ''}.`,
      });
      setText('');
    } catch (e) {
      const errors = toFormErrors(e);
      setMessage({ tone: 'error', text: fieldMessage(errors.fields) ?? errors.form ?? 'The add failed.' });
    }
  };

  return (
    <form className="card form" onSubmit={onSubmit} noValidate aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Add numbers</h2>
      <div className="field">
        <label htmlFor={`${id}-numbers`}>Phone numbers</label>
        <textarea
          id={`${id}-numbers`}
          className="mono"
          rows={4}
          spellCheck={false}
          placeholder={'+14155550100\n(415) 555-0101'}
          value={text}
          onChange={(event) => setText(event.target.value)}
        />
        <p className="field-hint">
          One per line, or separated by commas. Without a country code: your organization&apos;s country.
        </p>
      </div>
      {message && (
        <p
          className={message.tone === 'ok' ? 'notice' : 'form-error'}
          role={message.tone === 'ok' ? 'status' : 'alert'}
        >
          {message.text}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={loading}>
          Add
        </button>
      </div>
    </form>
  );
}

type ImportState =
  | { phase: 'idle' }
  | { phase: 'sending' }
  | { phase: 'done'; report: DoNotCallImportReport }
  | { phase: 'failed'; message: string };

/** Uploads a CSV of numbers (CSV source, by the signed-in user) and shows the report. */
export function ImportNumbersCard() {
  const id = useId();
  const client = useApolloClient();
  const { token } = useSession();
  const [file, setFile] = useState<File | null>(null);
  const [state, setState] = useState<ImportState>({ phase: 'idle' });

  const onImport = async () => {
    if (!file) return;
    setState({ phase: 'sending' });
    try {
      const report = await uploadDoNotCallCsv({ csv: file, token });
      forgetDoNotCallLists(client.cache);
      setState({ phase: 'done', report });
    } catch (e) {
      setState({ phase: 'failed', message: e instanceof Error ? e.message : String(e) });
    }
  };

  return (
    <section className="card form" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Import a CSV</h2>
      <p className="muted">
        A <code>phone</code> (or <code>phoneNumber</code>, <code>number</code>) column, or one number per line without a
        header. Other columns are ignored.
      </p>
      <div className="field">
        <label htmlFor={`${id}-file`}>CSV file</label>
        <input
          id={`${id}-file`}
          type="file"
          accept=".csv,text/csv,text/plain"
          disabled={state.phase === 'sending'}
          onChange={(event) => {
            setFile(event.target.files?.[0] ?? null);
            setState({ phase: 'idle' });
          }}
        />
      </div>
      <div className="form-actions">
        <button
          type="button"
          className="button button-primary"
          disabled={!file || state.phase === 'sending'}
          onClick={() => void onImport()}
        >
          {state.phase === 'sending' ? 'Importing…' : 'Import'}
        </button>
      </div>
      {state.phase === 'failed' && (
        <p className="form-error" role="alert">
          {state.message}
        </p>
      )}
      {state.phase === 'done' && <ImportReportView report={state.report} />}
    </section>
  );
}

function ImportReportView({ report }: { report: DoNotCallImportReport }) {
  return (
    <div role="status" aria-label="Import report">
      {report.error && (
        <p className="form-error">
          The file could not be read to its end: {report.error} The numbers before that point were added.
        </p>
      )}
      {report.truncated && (
        <p className="notice notice-warning">Only the first {formatCount(report.totalRows)} rows were read.</p>
      )}
      <dl className="counters counters-compact">
        <div className="counter counter-success">
          <dt>Added</dt>
          <dd>{formatCount(report.added)}</dd>
        </div>
        <div className="counter">
          <dt>Already listed</dt>
          <dd>{formatCount(report.alreadyListed)}</dd>
        </div>
        <div className={`counter${report.rejectedCount > 0 ? ' counter-danger' : ''}`}>
          <dt>Rejected</dt>
          <dd>{formatCount(report.rejectedCount)}</dd>
        </div>
      </dl>
      {report.rejected.length > 0 && (
        <div>
          <RejectedRowsTable rows={report.rejected} numberLabel="Number" />
          {report.rejectedCount > SHOWN_REJECTED_ROWS && (
            <p className="muted">And {formatCount(report.rejectedCount - SHOWN_REJECTED_ROWS)} more rows rejected.</p>
          )}
        </div>
      )}
    </div>
  );
}
