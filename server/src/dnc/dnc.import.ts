import { Readable, pipeline } from 'node:stream';
import { MAX_RECORD_SIZE, PHONE_HEADERS, createCsvParser, decodeCsvText } from '../contacts/contact.import';
import { badInput } from '../errors';
import { parsePhoneNumber } from '../phones/phone.number';
import type { DoNotCallList } from './dnc.list';
import type { DncSource } from './dnc.model';
import { organizationCountry } from './dnc.service';

/**
 * CSV import of do-not-call numbers (`POST /api/dnc.csv`). Knows no HTTP: it takes the file
 * as an async iterable of bytes or strings. Reads like the contacts import (the same decoder:
 * UTF-8, Windows-1252, UTF-16 with a byte-order mark), as a stream, checked and written 1,000
 * numbers at a time, parsing waiting while a batch is written; duplicates are found by the
 * unique `{organizationId, phoneNumber}` index, not by a set of every number seen.
 */

export interface DncRejection {
  /** Line of the file where the row ends, from 1 (a header, when there is one, is line 1). */
  row: number;
  /** The phone cell as written (empty when missing). */
  phoneNumber: string;
  reason: string;
}

export interface DncImportReport {
  /** Numbers that were not on the list and now are. */
  added: number;
  /** Valid rows whose number was on the list already (or earlier in the file). */
  alreadyListed: number;
  /** The first `maxRejected` rejections, in file order. */
  rejected: DncRejection[];
  rejectedCount: number;
  /** Data rows read (a header is not counted). */
  totalRows: number;
  /** True when the file had more than `maxRows` data rows; the rest were not read. */
  truncated: boolean;
  /** Set when the file could not be read to its end; rows before the break were added. */
  error: string | null;
}

export interface DncImportOptions {
  /** Data rows read at most; the rest of the file is ignored and `truncated` set. Default 1,000,000. */
  maxRows?: number;
  /** Numbers per write (and per cache version bump). Default 1,000. */
  batchSize?: number;
  /** Rejections listed in the report (all are counted). Default 1,000. */
  maxRejected?: number;
}

type Row = { record: string[]; info: { lines: number } };

/** Which cell holds the number, and whether the first row was a header or already a number. */
interface Layout {
  phoneIndex: number;
  firstRowIsData: boolean;
}

/**
 * The phone column: a header cell named as in the contacts import (phone, phoneNumber, number,
 * mobile, telephone, tel; any case, spaces, `_` and `-` ignored), or, for a plain list of numbers
 * without a header, the first cell of the first row that is a valid number.
 */
export function detectLayout(cells: string[], country: string): Layout {
  // UTF-16 without a byte-order mark decodes to text with a NUL after every character.
  if (cells.some((cell) => cell.includes('\u0000')))
    throw badInput(
      'csv',
      'the file looks like UTF-16 without a byte-order mark: save it as UTF-8 (or UTF-16 with its byte-order mark)',
    );
  const squashed = cells.map((cell) =>
    cell
      .replace(/^\uFEFF/, '')
      .trim()
      .toLowerCase()
      .replace(/[\s_-]/g, ''),
  );
  const header = squashed.findIndex((cell) => PHONE_HEADERS.has(cell));
  if (header >= 0) return { phoneIndex: header, firstRowIsData: false };
  const number = cells.findIndex((cell) => parsePhoneNumber(cell.replace(/^\uFEFF/, ''), country).ok);
  if (number >= 0) return { phoneIndex: number, firstRowIsData: true };
  throw badInput(
    'csv',
    'the first row needs a phone column (phone, phoneNumber or number), or a phone number for a list without a header',
  );
}

/**
 * Adds the numbers of a CSV file to the organization's do-not-call list with `source` (CSV, with
 * the user or key that sent it). Each batch is one write and one cache version bump.
 */
export async function importDoNotCallCsv(
  list: DoNotCallList,
  organizationId: string,
  source: DncSource,
  fallbackCountry: string,
  file: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  options: DncImportOptions = {},
): Promise<DncImportReport> {
  const { maxRows = 1_000_000, batchSize = 1000, maxRejected = 1000 } = options;
  const country = await organizationCountry(organizationId, fallbackCountry);
  const report: DncImportReport = {
    added: 0,
    alreadyListed: 0,
    rejected: [],
    rejectedCount: 0,
    totalRows: 0,
    truncated: false,
    error: null,
  };
  const reject = (row: number, phoneNumber: string, reason: string) => {
    report.rejectedCount += 1;
    if (report.rejected.length < maxRejected) report.rejected.push({ row, phoneNumber, reason });
  };
  let batch: string[] = [];
  const flush = async () => {
    const added = await list.addE164(organizationId, batch, source);
    report.added += added;
    report.alreadyListed += batch.length - added;
    batch = [];
  };

  const parser = createCsvParser();
  pipeline(Readable.from(decodeCsvText(file)), parser, () => undefined);
  /** Why the first row could not be read: the import stops there. */
  let firstRowError: string | null = null;
  parser.on('skip', (error: Error & { lines?: number; code?: string; records?: number }) => {
    // The parser runs ahead of the loop below: its own count says whether this was the first row.
    if (error.records === 0) {
      firstRowError ??=
        error.code === 'CSV_MAX_RECORD_SIZE'
          ? `the first row is longer than ${MAX_RECORD_SIZE} characters: is this a list of numbers?`
          : `the first row is not valid CSV: ${error.message}`;
      return;
    }
    report.totalRows += 1;
    reject(error.lines ?? 0, '', `the row is not valid CSV: ${error.message}`);
  });

  let layout: Layout | null = null;
  const onRow = ({ record, info }: Row): 'next' | 'stop' => {
    if (!layout) {
      layout = detectLayout(record, country);
      if (!layout.firstRowIsData) return 'next';
    }
    if (record.every((cell) => cell.trim() === '')) return 'next';
    if (report.totalRows >= maxRows) {
      report.truncated = true;
      return 'stop';
    }
    report.totalRows += 1;
    const raw = (record[layout.phoneIndex] ?? '').replace(/^\uFEFF/, '').trim();
    const parsed = parsePhoneNumber(raw, country);
    if (parsed.ok) batch.push(parsed.e164);
    else reject(info.lines, raw, `phoneNumber ${parsed.reason}`);
    return 'next';
  };

  try {
    for await (const row of parser as AsyncIterable<Row>) {
      if (firstRowError || onRow(row) === 'stop') break;
      if (batch.length >= batchSize) await flush();
    }
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    // csv-parse's own errors (CSV_…) describe the file: report them, keep what was added.
    if (typeof code === 'string' && code.startsWith('CSV_')) report.error = (error as Error).message;
    else throw error;
  } finally {
    parser.destroy();
  }
  if (firstRowError) throw badInput('csv', firstRowError);
  if (!layout && !report.error) throw badInput('csv', 'the file is empty: it needs phone numbers, one per row');
  if (batch.length > 0) await flush();
  return report;
}
