import { Readable, pipeline } from 'node:stream';
import { parse } from 'csv-parse';
import type { Parser } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import type { Types } from 'mongoose';
import { announceContacts, checkContact, contactTarget, insertContacts } from './contact.service';
import type { ContactFields, NewContact } from './contact.service';
import type { CampaignDoc } from '../campaigns/campaign.model';
import type { AppServices } from '../context';
import { AppError, badInput } from '../errors';

/**
 * CSV import core, shared by `POST /api/campaigns/:id/contacts.csv` (streaming) and the
 * `importContactsCsv` mutation (small files). It knows nothing of either transport: it
 * takes the file as an async iterable of bytes or strings.
 *
 * Memory stays flat whatever the file size: rows are parsed as a stream, checked and
 * written 1,000 at a time, and parsing waits while a batch is written (backpressure reaches
 * the socket). Duplicates across batches are found by the unique (campaignId, phoneNumber)
 * index, not by a set of every number seen.
 */

export interface CsvRejection {
  /**
   * Line of the file where the row ends, from 1; the header is line 1, so the first
   * contact is row 2. This is the spreadsheet row number unless a quoted cell spans lines.
   */
  row: number;
  /** The phone cell as written (empty when missing). */
  phoneNumber: string;
  reason: string;
}

export interface CsvImportReport {
  accepted: number;
  duplicates: number;
  /** The first `maxRejected` rejections, in file order. */
  rejected: CsvRejection[];
  rejectedCount: number;
  /** Data rows read (the header is not counted). */
  totalRows: number;
  /** True when the file had more than `maxRows` data rows; the rest were not read. */
  truncated: boolean;
  /** Set when the file could not be read to its end; rows before the break were imported. */
  error: string | null;
}

export interface CsvImportOptions {
  /** Data rows read at most; the rest of the file is ignored and `truncated` set. Default 1,000,000. */
  maxRows?: number;
  /** Rows per insertMany. Default 1,000. */
  batchSize?: number;
  /**
   * Batches whose write may be under way at once (`IMPORT_WRITES_IN_FLIGHT`, 2): the MongoDB server
   * inserts one while this process encodes the next and records the checkpoint of the last.
   * Checkpoints still commit in file order, one batch at a time. A resumed run must look for rows
   * of this many batches after its checkpoint (import jobs do).
   */
  writesInFlight?: number;
  /** Rejections listed in the report (all are counted). Default 1,000. */
  maxRejected?: number;
  /** Least time between two "contacts added" announcements while importing. Default 500 ms. */
  announceEveryMs?: number;
  /**
   * Where a resumed import starts (import jobs): rows up to `checkpoint.line` were counted in
   * `checkpoint.report` by an earlier run; they are read again (parsing must see them) but not
   * counted or written again. Default: the start of the file.
   */
  resume?: CsvImportCheckpoint | null;
  /**
   * Called after each batch is written, with the state a resumed run starts from; the import
   * waits for it (an import job records it in MongoDB). Default none.
   */
  onCommit?: (checkpoint: CsvImportCheckpoint) => Promise<void>;
  /**
   * The `_id` of the contact read from file line `line`. Default a fresh ObjectId; import jobs
   * derive it from the job and the line, so a run after a crash recognises its own rows.
   */
  contactId?: (line: number) => Types.ObjectId;
  /** Writes one batch. Default `insertContacts`. */
  insert?: typeof insertContacts;
  /** Stops the import before its next write, throwing the signal's reason. Default none. */
  signal?: AbortSignal;
}

/** Where an import stands after a committed batch: every row up to `line` is in `report`. */
export interface CsvImportCheckpoint {
  /** Last line of the file accounted for (the header is line 1). */
  line: number;
  report: CsvImportReport;
}

/**
 * Batches written at once by default: two keep both processes busy (the API parsing and encoding,
 * the MongoDB server inserting); more would only hold more batches in memory.
 */
export const IMPORT_WRITES_IN_FLIGHT = 2;

/** Header names (lower case, without spaces, `_` or `-`) that mean the phone number. */
export const PHONE_HEADERS = new Set(['phone', 'phonenumber', 'number', 'mobile', 'telephone', 'tel']);
/**
 * Other known header names. A Map, not an object literal: a column named "constructor" found
 * Object.prototype's member in the object and was dropped without a word.
 */
const KNOWN = new Map<string, 'name' | 'email' | 'priority' | 'timezone'>([
  ['name', 'name'],
  ['fullname', 'name'],
  ['email', 'email'],
  ['emailaddress', 'email'],
  ['priority', 'priority'],
  // An IANA zone, checked like ContactInput.timezone (a bad one rejects its row).
  ['timezone', 'timezone'],
  ['tz', 'timezone'],
]);

/** Longest header row (and any row), in characters: a runaway quote would otherwise swallow the file. */
export const MAX_RECORD_SIZE = 64 * 1024;

export type Column =
  { kind: 'phoneNumber' | 'name' | 'email' | 'priority' | 'timezone' } | { kind: 'custom'; key: string };

/** Maps header cells to contact fields, case-insensitively; other columns go to customData. */
export function mapHeader(cells: string[]): Column[] {
  // UTF-16 without a byte-order mark decodes to text with a NUL after every character.
  if (cells.some((cell) => cell.includes('\u0000')))
    throw badInput(
      'csv',
      'the file looks like UTF-16 without a byte-order mark: save it as UTF-8 (or UTF-16 with its byte-order mark)',
    );
  const columns = cells.map((cell): Column => {
    const header = cell.replace(/^\uFEFF/, '').trim();
    const squashed = header.toLowerCase().replace(/[\s_-]/g, '');
    if (PHONE_HEADERS.has(squashed)) return { kind: 'phoneNumber' };
    const known = KNOWN.get(squashed);
    if (known) return { kind: known };
    // "." and a leading "$" mean paths and operators to MongoDB: keep the key storable.
    return { kind: 'custom', key: header.replace(/\./g, '_').replace(/^\$+/, '').slice(0, 100) };
  });
  if (!columns.some((c) => c.kind === 'phoneNumber')) {
    throw badInput('csv', 'the header row needs a phone column (phone, phoneNumber, phone_number or number)');
  }
  return columns;
}

/** A row's cells as contact fields, by the header's columns (`mapHeader`). */
export function rowFields(columns: Column[], cells: string[]): ContactFields {
  const fields: ContactFields = { phoneNumber: '' };
  // Null prototype, so a "__proto__" column is a key like any other instead of the prototype.
  let custom: Record<string, string> | null = null;
  columns.forEach((column, i) => {
    const value = (cells[i] ?? '').trim();
    if (column.kind !== 'custom') {
      // The first phone column wins when a file has two.
      if (column.kind !== 'phoneNumber' || fields.phoneNumber === '') fields[column.kind] = value;
    } else if (column.key !== '' && value !== '') {
      (custom ??= Object.create(null) as Record<string, string>)[column.key] = value;
    }
  });
  if (custom) fields.customData = custom;
  return fields;
}

/** The CSV imports' csv-parse stream (contacts and do-not-call numbers): records come as `{ record, info }`. */
export function createCsvParser(): Parser {
  return parse({
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    info: true,
    // A runaway quote would otherwise swallow the rest of the file into one cell.
    max_record_size: MAX_RECORD_SIZE,
    // A malformed row becomes a rejection (the 'skip' event) instead of ending the import;
    // ending it would also drop the parsed rows still buffered in the stream.
    skip_records_with_error: true,
  });
}

/** Length of the prefix of `bytes` that ends on a UTF-8 character boundary. */
function completeUtf8Length(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let i = n - 1; i >= Math.max(0, n - 4); i--) {
    const b = bytes[i]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: look further back
    const need = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return i + need > n ? i : n;
  }
  return n;
}

/** Byte-order marks the decoder recognises at the start of a file. */
const BOMS: { bytes: number[]; encoding: 'utf8' | 'utf16le' | 'utf16be' }[] = [
  { bytes: [0xef, 0xbb, 0xbf], encoding: 'utf8' },
  { bytes: [0xff, 0xfe], encoding: 'utf16le' },
  { bytes: [0xfe, 0xff], encoding: 'utf16be' },
];

/**
 * Decodes a byte stream as UTF-8 (a leading BOM dropped) and, from the first bytes that
 * are not valid UTF-8 on, as Windows-1252: what Excel writes as "CSV" on Western Windows.
 * A file that starts with a UTF-16 byte-order mark (Excel's "Unicode text") is read as
 * UTF-16 (iconv-lite's streaming decoder keeps characters split across chunks whole).
 * Decided chunk by chunk, so nothing is buffered beyond a split character.
 */
export async function* decodeCsvText(
  source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
): AsyncGenerator<string> {
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let mode: 'start' | 'utf8' | 'cp1252' | 'utf16' = 'start';
  let carry: Buffer = Buffer.alloc(0);
  let utf16: ReturnType<typeof iconv.getDecoder> | null = null;
  for await (const chunk of source) {
    if (typeof chunk === 'string') {
      const text = mode === 'start' ? chunk.replace(/^\uFEFF/, '') : chunk;
      if (text.length > 0) mode = mode === 'start' ? 'utf8' : mode;
      if (text) yield text;
      continue;
    }
    let bytes: Buffer =
      carry.length > 0 ? Buffer.concat([carry, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    carry = Buffer.alloc(0);
    if (mode === 'start') {
      const startsWith = (bom: number[]) => bom.every((b, i) => bytes[i] === b);
      if (BOMS.some(({ bytes: bom }) => bytes.length < bom.length && startsWith(bom.slice(0, bytes.length)))) {
        carry = bytes; // could still be a BOM split across chunks
        continue;
      }
      const bom = BOMS.find(({ bytes: b }) => startsWith(b));
      if (bom?.encoding === 'utf16le' || bom?.encoding === 'utf16be') {
        utf16 = iconv.getDecoder(bom.encoding); // strips the BOM itself
        mode = 'utf16';
      } else {
        if (bom) bytes = bytes.subarray(bom.bytes.length);
        mode = 'utf8';
      }
    }
    if (mode === 'utf16') {
      const text = utf16!.write(bytes);
      if (text) yield text;
      continue;
    }
    if (mode === 'utf8') {
      const cut = completeUtf8Length(bytes);
      try {
        const text = utf8.decode(bytes.subarray(0, cut));
        carry = Buffer.from(bytes.subarray(cut));
        if (text) yield text;
        continue;
      } catch {
        mode = 'cp1252';
      }
    }
    const text = iconv.decode(bytes, 'win1252');
    if (text) yield text;
  }
  if (utf16) {
    const rest = utf16.end();
    if (rest) yield rest;
  }
  if (carry.length > 0) {
    if (mode === 'start' && carry.length < 3) mode = 'utf8';
    try {
      yield mode === 'cp1252' ? iconv.decode(carry, 'win1252') : utf8.decode(carry);
    } catch {
      yield iconv.decode(carry, 'win1252');
    }
  }
}

/**
 * Imports a CSV file of contacts into a campaign (which may be running). The first row is
 * the header: phone / phoneNumber / phone_number / number (any case) is the number, name,
 * email and priority their fields, every other column a customData key.
 */
export async function importContactsCsv(
  services: Pick<AppServices, 'events' | 'lifecycle'>,
  organizationId: string,
  campaignId: string,
  source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  options: CsvImportOptions = {},
): Promise<CsvImportReport> {
  const { maxRows = 1_000_000, batchSize = 1000, maxRejected = 1000, announceEveryMs = 500 } = options;
  const { resume = null, onCommit, contactId, insert = insertContacts, signal } = options;
  const { writesInFlight = IMPORT_WRITES_IN_FLIGHT } = options;
  const { scope } = await contactTarget(organizationId, campaignId);
  const report: CsvImportReport = resume ? copyReport(resume.report) : emptyReport();
  /** Rows up to this line were counted by an earlier run. */
  const resumeLine = resume?.line ?? 0;
  /** Last line whose row is counted in `report`. */
  let line = resumeLine;

  const parser = createCsvParser();
  pipeline(Readable.from(decodeCsvText(source)), parser, () => undefined);

  let columns: Column[] | null = null;
  let batch: NewContact[] = [];
  let latest: CampaignDoc | null = null;
  let announced = 0;
  let unannounced = false;

  const reject = (row: number, phoneNumber: string, reason: string) => {
    report.rejectedCount += 1;
    if (report.rejected.length < maxRejected) report.rejected.push({ row, phoneNumber, reason });
  };
  /** Accepted and duplicate rows of the batches committed so far (the writes' side of `report`). */
  const written = { accepted: report.accepted, duplicates: report.duplicates };
  /**
   * Writes one batch and commits its checkpoint. `counted` is the report as it stood when the
   * batch was cut (rows up to `upTo`): parsing goes on meanwhile, so `report` may hold later rows.
   * The insert starts at once; the commit waits for `before`, the batch ahead of this one, so
   * checkpoints (and `written`) move in file order and a batch whose predecessor failed never
   * records one.
   */
  const write = async (
    contacts: NewContact[],
    upTo: number,
    counted: CsvImportReport,
    before: Promise<void> | null,
  ) => {
    if (signal?.aborted) throw signal.reason;
    const { inserted, duplicates, campaign } = await insert(scope.campaignId, contacts);
    await before;
    written.accepted += inserted;
    written.duplicates += duplicates;
    // Checked again: a run stopped during the write must not record a checkpoint it may not
    // own any more (a crash would not have); the next run finds the written rows by their ids.
    if (signal?.aborted) throw signal.reason;
    await onCommit?.({ line: upTo, report: { ...counted, ...written } });
    if (!campaign) return;
    latest = campaign;
    unannounced = true;
    if (Date.now() - announced >= announceEveryMs) {
      await announceContacts(services, campaign);
      announced = Date.now();
      unannounced = false;
    }
  };
  /**
   * The batches being written, oldest first (at most `writesInFlight`). Parsing and checking the
   * next batch overlaps them; a batch is cut only once there is room, so memory holds
   * `writesInFlight` + 1 batches at most.
   */
  const writing: Promise<void>[] = [];
  /** Waits until at most `room` batches are being written; rethrows the first error. */
  const settle = async (room = 0) => {
    while (writing.length > room) await writing.shift();
  };
  const flush = async () => {
    await settle(Math.max(0, writesInFlight - 1));
    const contacts = batch;
    batch = [];
    const pending = write(contacts, line, copyReport(report), writing.at(-1) ?? null);
    // Handled where it is awaited (settle); until then, not "unhandled".
    pending.catch(() => undefined);
    writing.push(pending);
  };

  /** Why the header row could not be read (too long, bad quoting): the import stops there. */
  let headerError: string | null = null;
  /**
   * Malformed rows, in file order, not yet counted. The parser reports them ahead of the loop
   * below (it parses ahead), so they are counted when the loop reaches their line: a
   * checkpoint then holds exactly the rows up to its line, and the report lists file order.
   */
  const malformed: { line: number; message: string }[] = [];
  parser.on('skip', (error: Error & { lines?: number; code?: string; records?: number }) => {
    // The parser runs ahead of the loop below, so "no columns yet" would also catch later rows:
    // its own count of records read so far says whether this was the first.
    if (error.records === 0) {
      headerError ??=
        error.code === 'CSV_MAX_RECORD_SIZE'
          ? `the header row is longer than ${MAX_RECORD_SIZE} characters: is this the contacts file?`
          : `the header row is not valid CSV: ${error.message}`;
      return;
    }
    malformed.push({ line: error.lines ?? 0, message: error.message });
  });
  /** Counts the malformed rows before `before` (a line); false once the row limit is reached. */
  const countMalformed = (before: number): boolean => {
    while (malformed.length > 0 && malformed[0]!.line < before) {
      const row = malformed.shift()!;
      if (row.line <= resumeLine) continue;
      if (report.totalRows >= maxRows) return false;
      report.totalRows += 1;
      line = Math.max(line, row.line);
      reject(row.line, '', `the row is not valid CSV: ${row.message}`);
    }
    return true;
  };

  let reachedEnd = false;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (headerError) break;
      // Also while a resumed run skips rows it has counted (no write for a long while).
      if (signal?.aborted) throw signal.reason;
      if (!columns) {
        columns = mapHeader(record);
        continue;
      }
      // Counted by the run this one resumes.
      if (info.lines <= resumeLine) continue;
      if (!countMalformed(info.lines)) {
        report.truncated = true;
        break;
      }
      if (record.every((cell) => cell.trim() === '')) continue;
      if (report.totalRows >= maxRows) {
        report.truncated = true;
        break;
      }
      report.totalRows += 1;
      line = info.lines;
      const fields = rowFields(columns, record);
      // The job's id for the line, if any, instead of a fresh ObjectId made only to be replaced.
      const check = checkContact(fields, scope, new Date(), contactId?.(info.lines));
      if (check.ok) batch.push(check.contact);
      else reject(info.lines, String(fields.phoneNumber), check.reason);
      if (batch.length >= batchSize) await flush();
    }
    reachedEnd = !report.truncated && !headerError;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    // csv-parse's own errors (CSV_…) describe the file: report them, keep what was imported.
    if (typeof code === 'string' && code.startsWith('CSV_')) report.error = (error as Error).message;
    else throw error;
  } finally {
    parser.destroy();
    // Whatever ended the loop, no write of ours outlives this call.
    if (writing.length > 0) await Promise.allSettled(writing);
  }
  await settle();
  if (headerError) throw badInput('csv', headerError);
  if (!columns && !report.error) throw badInput('csv', 'the file is empty: it needs a header row and contacts');
  // Malformed rows after the last good one (or before the break of a bad file).
  if ((reachedEnd || report.error) && !countMalformed(Number.POSITIVE_INFINITY)) report.truncated = true;
  if (batch.length > 0) await flush();
  await settle();
  if (unannounced && latest) await announceContacts(services, latest);
  return { ...report, ...written };
}

function emptyReport(): CsvImportReport {
  return { accepted: 0, duplicates: 0, rejected: [], rejectedCount: 0, totalRows: 0, truncated: false, error: null };
}

function copyReport(report: CsvImportReport): CsvImportReport {
  return { ...report, rejected: report.rejected.map((r) => ({ ...r })) };
}

/**
 * Why a file cannot be imported, judged from its first bytes (the header row): the error the
 * import itself would throw, or null when the header is fine or not complete within them.
 * Lets an upload that is stored before it is imported (import jobs) be refused at once.
 * @param head the file's first bytes (up to the header's line end, when there is one)
 * @param complete whether `head` is the whole file
 */
export async function headerProblem(head: Uint8Array, complete: boolean): Promise<AppError | null> {
  let text = '';
  for await (const part of decodeCsvText([head])) text += part;
  const end = text.search(/\r?\n/);
  if (end < 0 && !complete) return null;
  const header = end < 0 ? text : text.slice(0, end);
  if (complete && text.trim() === '') return badInput('csv', 'the file is empty: it needs a header row and contacts');
  // Blank first lines are skipped by the import: leave such files to it.
  if (header.trim() === '') return null;
  if (header.length > MAX_RECORD_SIZE)
    return badInput('csv', `the header row is longer than ${MAX_RECORD_SIZE} characters: is this the contacts file?`);
  let cells: string[][];
  try {
    cells = parseSync(header, { relax_column_count: true, relax_quotes: true }) as string[][];
  } catch {
    // A quoted header cell spanning lines, say: the import itself gives the verdict.
    return null;
  }
  try {
    mapHeader(cells[0] ?? []);
    return null;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
}
