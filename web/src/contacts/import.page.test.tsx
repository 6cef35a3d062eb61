import { describe, expect, it, vi } from 'vitest';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ApolloLink } from '@apollo/client';
import { MockedProvider } from '@apollo/client/testing/react';
import { MockLink, MockSubscriptionLink } from '@apollo/client/testing';
import { isSubscriptionOperation } from '@apollo/client/utilities';
import { ImportAgentDocument } from '../gql/graphql';
import { createCache } from '../session/apollo.client';
import { renderRoute, TestSession } from '../test/render';
import { ImportPage } from './import.page';

function renderImport() {
  return renderRoute(
    <TestSession>
      <ImportPage />
    </TestSession>,
    { path: '/campaigns/:campaignId/import', url: '/campaigns/c1/import' },
  );
}

describe('contact import', () => {
  it('previews pasted CSV: first rows and how each column maps', async () => {
    const user = userEvent.setup();
    renderImport();
    const rows = Array.from({ length: 8 }, (_, i) => `+1415555010${i},Person ${i},p${i}@example.com,${i},Oslo`);
    const textarea = screen.getByLabelText('Or paste CSV');
    // user.paste keeps the newlines that typing would turn into key presses.
    await user.click(textarea);
    await user.paste(['Phone Number,name,email,priority,city', ...rows].join('\n'));

    const mapping = screen.getByRole('table', { name: 'Column mapping' });
    const mapped = within(mapping)
      .getAllByRole('row')
      .slice(1)
      .map((row) => row.textContent);
    expect(mapped).toEqual([
      'Phone NumberPhone number',
      'nameName',
      'emailEmail',
      'priorityPriority',
      'cityCustom data · city',
    ]);

    const preview = screen.getByRole('table', { name: 'First rows' });
    const previewRows = within(preview).getAllByRole('row');
    expect(previewRows).toHaveLength(1 + 5); // header + first five
    expect(previewRows[1]).toHaveTextContent('+14155550100');
    expect(previewRows[1]).toHaveTextContent('Person 0');
    expect(screen.getByText('8 rows, first 5 shown')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Import 8 contacts' })).toBeEnabled();
  });

  it('refuses a CSV without a phone column and says why', async () => {
    const user = userEvent.setup();
    renderImport();
    await user.click(screen.getByLabelText('Or paste CSV'));
    await user.paste('name,email\nAnn,ann@example.com');
    expect(screen.getByRole('alert')).toHaveTextContent(
      'No phone column: name one "phone", "phoneNumber" or "number".',
    );
    expect(screen.getByRole('button', { name: 'Import contacts' })).toBeDisabled();
  });

  it('uploads the chosen file byte for byte: a Windows-1252 "José" is previewed and sent as José', async () => {
    // The browser's network boundary, recorded: what XMLHttpRequest.send was given is what goes
    // on the wire. Before this fix the page sent `file.text()` re-encoded as UTF-8, so 0xE9
    // became U+FFFD and the API stored "Jos\uFFFD".
    const sent: unknown[] = [];
    class RecordingXhr {
      upload: { onprogress: ((event: ProgressEvent) => void) | null } = { onprogress: null };
      onload: (() => void) | null = null;
      onerror: (() => void) | null = null;
      onabort: (() => void) | null = null;
      status = 0;
      responseText = '';
      responseType = '';
      open() {}
      setRequestHeader() {}
      abort() {}
      send(body: unknown) {
        sent.push(body);
        this.status = 200;
        this.responseText = JSON.stringify({
          accepted: 1,
          duplicates: 0,
          rejected: [],
          totalRows: 1,
          rejectedCount: 0,
        });
        queueMicrotask(() => this.onload?.());
      }
    }
    vi.stubGlobal('XMLHttpRequest', RecordingXhr);
    try {
      const head = new TextEncoder().encode('phone,name\n+14155550101,Jos');
      const bytes = new Uint8Array([...head, 0xe9, 0x0a]); // é in Windows-1252, then a newline
      const user = userEvent.setup();
      renderImport();
      await user.upload(screen.getByLabelText('Upload a file'), new File([bytes], 'excel.csv', { type: 'text/csv' }));
      expect(within(screen.getByRole('table', { name: 'First rows' })).getByText('José')).toBeInTheDocument();

      await user.click(screen.getByRole('button', { name: 'Import 1 contact' }));
      expect(await screen.findByText('Import report')).toBeInTheDocument();
      expect(sent).toHaveLength(1);
      expect(sent[0]).toBeInstanceOf(Blob);
      expect(new Uint8Array(await (sent[0] as Blob).arrayBuffer())).toEqual(bytes);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it.each([
    [
      { truncated: true, error: null },
      'Only the first 1,000,000 rows were read: the file is longer than one import takes. Split it and import the rest.',
    ],
    [
      { truncated: false, error: 'Invalid Closing Quote: got "x" at line 7.' },
      'The file could not be read to its end: Invalid Closing Quote: got "x" at line 7. The 1,000,000 rows before that point were imported; fix the file and import it again (rows already imported count as duplicates).',
    ],
  ])('says when the API stopped early: %j', async (ending, message) => {
    class ReportingXhr {
      upload = { onprogress: null };
      onload: (() => void) | null = null;
      onerror = null;
      onabort = null;
      status = 0;
      responseText = '';
      responseType = '';
      open() {}
      setRequestHeader() {}
      abort() {}
      send() {
        this.status = 200;
        const report = { accepted: 999_990, duplicates: 10, rejected: [], totalRows: 1_000_000, rejectedCount: 0 };
        this.responseText = JSON.stringify({ ...report, ...ending });
        queueMicrotask(() => this.onload?.());
      }
    }
    vi.stubGlobal('XMLHttpRequest', ReportingXhr);
    try {
      const user = userEvent.setup();
      renderImport();
      await user.click(screen.getByLabelText('Or paste CSV'));
      await user.paste('phone\n+14155550101');
      await user.click(screen.getByRole('button', { name: 'Import 1 contact' }));
      expect(await screen.findByText('Import report')).toBeInTheDocument();
      expect(screen.getByText(message)).toBeInTheDocument();
    } finally {
      vi.unstubAllGlobals();
    }
  });

  describe('an import job (the API answers 202)', () => {
    /** The API's side: 202 with a job id, and the headers the page sent. */
    function acceptAsJob(headers: Record<string, string>) {
      class JobXhr {
        upload = { onprogress: null };
        onload: (() => void) | null = null;
        onerror = null;
        onabort = null;
        status = 0;
        responseText = '';
        responseType = '';
        open() {}
        setRequestHeader(name: string, value: string) {
          headers[name.toLowerCase()] = value;
        }
        abort() {}
        send() {
          this.status = 202;
          this.responseText = JSON.stringify({ importJobId: 'j1', status: 'QUEUED' });
          queueMicrotask(() => this.onload?.());
        }
      }
      vi.stubGlobal('XMLHttpRequest', JobXhr);
    }

    const job = (over: Record<string, unknown>) => ({
      __typename: 'ImportJob',
      id: 'j1',
      status: 'RUNNING',
      fileSize: 1000,
      bytesRead: 0,
      rowsRead: 0,
      accepted: 0,
      duplicates: 0,
      rejected: 0,
      errors: [],
      truncated: false,
      error: null,
      ...over,
    });

    async function startJob() {
      const subscriptions = new MockSubscriptionLink();
      const agent = {
        request: { query: ImportAgentDocument, variables: { id: 'c1' } },
        result: {
          data: {
            campaign: {
              __typename: 'Campaign',
              id: 'c1',
              agent: { __typename: 'Agent', id: 'a1', name: 'Ava', variables: [] },
            },
          },
        },
        maxUsageCount: Number.POSITIVE_INFINITY,
      };
      const link = ApolloLink.split(
        ({ query }) => isSubscriptionOperation(query),
        subscriptions,
        new MockLink([agent]),
      );
      const user = userEvent.setup();
      renderRoute(
        <TestSession>
          <MockedProvider link={link} cache={createCache()}>
            <ImportPage />
          </MockedProvider>
        </TestSession>,
        { path: '/campaigns/:campaignId/import', url: '/campaigns/c1/import' },
      );
      await user.click(screen.getByLabelText('Or paste CSV'));
      await user.paste('phone\n+14155550101');
      await user.click(screen.getByRole('button', { name: 'Import 1 contact' }));
      await waitFor(() => expect(subscriptions.operation?.operationName).toBe('ImportProgress'));
      expect(subscriptions.operation?.variables).toEqual({ id: 'j1' });
      return (over: Record<string, unknown>) =>
        act(() => subscriptions.simulateResult({ result: { data: { importProgress: job(over) } } }));
    }

    it('shows a progress bar of the file read, the counts so far, then the report with its truncated notice', async () => {
      const headers: Record<string, string> = {};
      acceptAsJob(headers);
      try {
        const send = await startJob();
        expect(headers['prefer']).toBe('respond-async');
        send({ bytesRead: 400, rowsRead: 4000, accepted: 3900, duplicates: 60, rejected: 40 });
        expect(await screen.findByRole('progressbar', { name: 'Import progress' })).toHaveAttribute(
          'aria-valuenow',
          '40',
        );
        expect(screen.getByText('4,000 rows read: 3,900 accepted, 60 duplicates, 40 rejected')).toBeInTheDocument();
        send({ bytesRead: 900, rowsRead: 9000, accepted: 8800, duplicates: 110, rejected: 90 });
        expect(
          await screen.findByText('9,000 rows read: 8,800 accepted, 110 duplicates, 90 rejected'),
        ).toBeInTheDocument();
        expect(screen.getByRole('progressbar', { name: 'Import progress' })).toHaveAttribute('aria-valuenow', '90');

        send({
          status: 'DONE',
          bytesRead: 1000,
          rowsRead: 1_000_000,
          accepted: 999_000,
          duplicates: 900,
          rejected: 100,
          errors: [{ __typename: 'CsvRejection', row: 7, phoneNumber: 'abc', reason: 'phoneNumber is not a number' }],
          truncated: true,
        });
        expect(await screen.findByText('Import report')).toBeInTheDocument();
        expect(
          screen.getByText(
            'Only the first 1,000,000 rows were read: the file is longer than one import takes. Split it and import the rest.',
          ),
        ).toBeInTheDocument();
        const rejected = screen.getByRole('table', { name: 'Rejected rows' });
        expect(within(rejected).getByText('phoneNumber is not a number')).toBeInTheDocument();
        expect(screen.queryByRole('progressbar', { name: 'Import progress' })).not.toBeInTheDocument();
      } finally {
        vi.unstubAllGlobals();
      }
    });

    it('reports a file that broke off as imported up to the break', async () => {
      acceptAsJob({});
      try {
        const send = await startJob();
        send({
          status: 'DONE',
          bytesRead: 1000,
          rowsRead: 12,
          accepted: 12,
          error: 'Invalid Closing Quote: got "x" at line 14.',
        });
        expect(await screen.findByText('Import report')).toBeInTheDocument();
        expect(screen.getByRole('alert')).toHaveTextContent(
          'The file could not be read to its end: Invalid Closing Quote: got "x" at line 14. The 12 rows before that point were imported',
        );
      } finally {
        vi.unstubAllGlobals();
      }
    });

    it('says why a job FAILED', async () => {
      acceptAsJob({});
      try {
        const send = await startJob();
        send({ status: 'QUEUED' });
        expect(await screen.findByText('Waiting for a worker…')).toBeInTheDocument();
        send({
          status: 'FAILED',
          error: 'csv: the header row needs a phone column (phone, phoneNumber, phone_number or number)',
        });
        expect(await screen.findByRole('alert')).toHaveTextContent(
          'csv: the header row needs a phone column (phone, phoneNumber, phone_number or number)',
        );
        expect(screen.queryByText('Import report')).not.toBeInTheDocument();
      } finally {
        vi.unstubAllGlobals();
      }
    });
  });
});
