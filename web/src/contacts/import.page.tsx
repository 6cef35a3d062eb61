import { useId, useMemo, useState } from 'react';
import type { ChangeEvent } from 'react';
import { Link, useParams } from 'react-router';
import { downloadText, toCsv } from '../shell/csv';
import { formatCount } from '../shell/format';
import { ProgressBar } from '../shell/progress-bar';
import { previewCsv } from './csv-mapping';
import { decodeCsvBytes } from './decode-csv';
import type { ContactField } from './csv-mapping';
import { useImportContacts } from './use-import-contacts';
import { AgentColumnsHint } from './agent-columns-hint';
import { RejectedRowsTable, SHOWN_REJECTED_ROWS } from './rejected-rows-table';
import type { ImportReport } from './upload-contacts';
import type { ImportJobProgress } from './use-import-contacts';

const FIELD_LABELS: Record<ContactField, string> = {
  phoneNumber: 'Phone number',
  name: 'Name',
  email: 'Email',
  priority: 'Priority',
  timezone: 'Time zone',
  customData: 'Custom data',
};

const SAMPLE =
  'phone,name,email,priority,city\n+14155550101,Ada Lovelace,ada@example.com,5,London\n+14155550102,Alan Turing,,1,Wilmslow\n';

/** Paste or upload a CSV, check the preview and column mapping, import, read the report. */
export function ImportPage() {
  const id = useId();
  const { campaignId = '' } = useParams();
  const [text, setText] = useState('');
  // The chosen file itself: it is uploaded as it is, never re-encoded from the preview's text.
  const [file, setFile] = useState<File | null>(null);
  const fileName = file?.name ?? null;
  const [readError, setReadError] = useState<string | null>(null);
  const { state, start, cancel, reset } = useImportContacts(campaignId);
  const preview = useMemo(() => (text.trim() ? previewCsv(text) : null), [text]);
  const busy = state.phase === 'uploading' || state.phase === 'processing' || state.phase === 'importing';

  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    setReadError(null);
    if (!file) return;
    try {
      setText(decodeCsvBytes(await file.arrayBuffer()));
      setFile(file);
      reset();
    } catch {
      setReadError(`Could not read ${file.name}.`);
    }
  };

  // After a successful import the same text again would only add duplicates.
  const canImport = preview !== null && preview.errors.length === 0 && !busy && state.phase !== 'done';

  return (
    <div className="grid grid-import">
      <section className="card" aria-labelledby={`${id}-source`}>
        <h2 id={`${id}-source`}>Contacts CSV</h2>
        <p className="muted">
          One contact per row. A <code>phone</code> (or <code>phoneNumber</code>, <code>number</code>) column is
          required; <code>name</code>, <code>email</code>, <code>priority</code> are optional and any other column is
          kept as custom data.
        </p>
        <div className="field">
          <label htmlFor={`${id}-file`}>Upload a file</label>
          <input
            id={`${id}-file`}
            type="file"
            accept=".csv,text/csv,text/plain"
            onChange={(event) => void onFile(event)}
            disabled={busy}
          />
          {readError && <p className="field-error">{readError}</p>}
        </div>
        <AgentColumnsHint campaignId={campaignId} columns={preview?.columns ?? null} />
        <div className="field">
          <label htmlFor={`${id}-paste`}>Or paste CSV</label>
          <textarea
            id={`${id}-paste`}
            className="mono"
            rows={8}
            spellCheck={false}
            placeholder={SAMPLE}
            value={text}
            disabled={busy}
            onChange={(event) => {
              setText(event.target.value);
              setFile(null);
              if (state.phase !== 'idle') reset();
            }}
          />
          {fileName && <p className="field-hint">From {fileName}</p>}
        </div>
        <div className="form-actions form-actions-start">
          <button
            type="button"
            className="button button-primary"
            disabled={!canImport}
            onClick={() => void start(file ?? text)}
          >
            {preview && preview.errors.length === 0
              ? `Import ${formatCount(preview.totalRows)} ${preview.totalRows === 1 ? 'contact' : 'contacts'}`
              : 'Import contacts'}
          </button>
          {busy && (
            <button type="button" className="button button-ghost" onClick={cancel}>
              Cancel
            </button>
          )}
          {state.phase === 'done' && (
            <button
              type="button"
              className="button button-ghost"
              onClick={() => {
                setText('');
                setFile(null);
                reset();
              }}
            >
              Import another file
            </button>
          )}
          {!text && (
            <button type="button" className="button button-ghost" onClick={() => setText(SAMPLE)}>
              Use an example
            </button>
          )}
        </div>
        {state.phase === 'uploading' && (
          <div className="import-progress" aria-live="polite">
            <ProgressBar value={state.fraction * 100} label="Upload progress" />
            <p className="muted">Uploading…</p>
          </div>
        )}
        {state.phase === 'processing' && (
          <div className="import-progress" role="status">
            <span className="spinner" aria-hidden="true" /> Checking numbers and removing duplicates…
          </div>
        )}
        {state.phase === 'importing' && <ImportJobProgressView job={state.job} />}
        {state.phase === 'failed' && (
          <p className="form-error" role="alert">
            {state.message}
          </p>
        )}
      </section>

      {state.phase === 'done' ? (
        <ImportReportView campaignId={campaignId} report={state.report} />
      ) : (
        <section className="card" aria-labelledby={`${id}-preview`}>
          <h2 id={`${id}-preview`}>Preview</h2>
          {!preview ? (
            <p className="muted">Paste or upload a CSV to see how its columns map to contact fields.</p>
          ) : (
            <>
              {preview.errors.map((error) => (
                <p key={error} className="form-error" role="alert">
                  {error}
                </p>
              ))}
              {preview.warnings.map((warning) => (
                <p key={warning} className="notice notice-warning">
                  {warning}
                </p>
              ))}
              <p className="muted">
                {formatCount(preview.totalRows)} {preview.totalRows === 1 ? 'row' : 'rows'}
                {preview.totalRows > preview.rows.length ? `, first ${preview.rows.length} shown` : ''}
              </p>
              <table className="table table-compact" aria-label="Column mapping">
                <thead>
                  <tr>
                    <th scope="col">Column</th>
                    <th scope="col">Becomes</th>
                  </tr>
                </thead>
                <tbody>
                  {preview.columns.map((column) => (
                    <tr key={column.header}>
                      <td className="mono">{column.header}</td>
                      <td>
                        <span className={`mapping mapping-${column.field}`}>{FIELD_LABELS[column.field]}</span>
                        {column.field === 'customData' && <span className="muted"> · {column.key}</span>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <div className="table-scroll">
                <table className="table table-compact" aria-label="First rows">
                  <thead>
                    <tr>
                      <th scope="col" className="num">
                        Row
                      </th>
                      {preview.columns.map((column) => (
                        <th key={column.header} scope="col">
                          {column.header}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {preview.rows.map((row, index) => (
                      <tr key={index}>
                        <td className="num muted">{index + 2}</td>
                        {preview.columns.map((column) => (
                          <td key={column.header}>{row[column.header] ?? ''}</td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
        </section>
      )}
    </div>
  );
}

/** A running import job: rows read of the file (by bytes, the one total known before the end) and the counts so far. */
function ImportJobProgressView({ job }: { job: ImportJobProgress }) {
  const percent = job.fileSize > 0 ? (100 * job.bytesRead) / job.fileSize : 0;
  return (
    <div className="import-progress" aria-live="polite">
      <ProgressBar value={percent} label="Import progress" />
      <p className="muted">
        {job.status === 'QUEUED'
          ? 'Waiting for a worker…'
          : `${formatCount(job.rowsRead)} rows read: ${formatCount(job.accepted)} accepted, ${formatCount(job.duplicates)} duplicates, ${formatCount(job.rejected)} rejected`}
      </p>
    </div>
  );
}

function ImportReportView({ campaignId, report }: { campaignId: string; report: ImportReport }) {
  const rejected = report.rejectedCount ?? report.rejected.length;
  const download = () =>
    downloadText(
      'rejected-contacts.csv',
      toCsv([['row', 'phone_number', 'reason'], ...report.rejected.map((r) => [r.row, r.phoneNumber, r.reason])]),
    );
  return (
    <section className="card" aria-labelledby="import-report-title" role="status">
      <h2 id="import-report-title">Import report</h2>
      {report.error && (
        <p className="form-error" role="alert">
          The file could not be read to its end: {report.error} The {formatCount(report.totalRows)} rows before that
          point were imported; fix the file and import it again (rows already imported count as duplicates).
        </p>
      )}
      {report.truncated && (
        <p className="notice notice-warning">
          Only the first {formatCount(report.totalRows)} rows were read: the file is longer than one import takes. Split
          it and import the rest.
        </p>
      )}
      <dl className="counters counters-compact">
        <div className="counter counter-success">
          <dt>Accepted</dt>
          <dd>{formatCount(report.accepted)}</dd>
        </div>
        <div className="counter">
          <dt>Duplicates</dt>
          <dd>{formatCount(report.duplicates)}</dd>
        </div>
        <div className={`counter${rejected > 0 ? ' counter-danger' : ''}`}>
          <dt>Rejected</dt>
          <dd>{formatCount(rejected)}</dd>
        </div>
        <div className="counter">
          <dt>Rows read</dt>
          <dd>{formatCount(report.totalRows)}</dd>
        </div>
      </dl>
      {report.rejected.length > 0 && (
        <>
          <RejectedRowsTable rows={report.rejected} numberLabel="Phone" />
          {report.rejected.length > SHOWN_REJECTED_ROWS && (
            <p className="muted">And {report.rejected.length - SHOWN_REJECTED_ROWS} more in the download.</p>
          )}
          {rejected > report.rejected.length && (
            <p className="muted">
              The API listed the first {report.rejected.length} of {rejected} rejected rows.
            </p>
          )}
          <button type="button" className="button" onClick={download}>
            Download rejected rows (CSV)
          </button>
        </>
      )}
      <div className="form-actions form-actions-start">
        <Link to={`/campaigns/${campaignId}`} className="button button-primary">
          Go to the campaign
        </Link>
        <Link to={`/campaigns/${campaignId}/contacts`} className="button button-ghost">
          View contacts
        </Link>
      </div>
    </section>
  );
}
