import Papa from 'papaparse';

/** A contact field a CSV column can fill; anything else goes into `customData`. */
export type ContactField = 'phoneNumber' | 'name' | 'email' | 'priority' | 'timezone' | 'customData';

/** Header spellings (lower-cased, without spaces, dashes, underscores) and their field. */
const KNOWN_HEADERS: Record<string, ContactField> = {
  phone: 'phoneNumber',
  phonenumber: 'phoneNumber',
  number: 'phoneNumber',
  name: 'name',
  email: 'email',
  priority: 'priority',
  // An IANA zone such as America/Los_Angeles (the server rejects the row otherwise).
  timezone: 'timezone',
  tz: 'timezone',
};

export interface ColumnMapping {
  /** The header as written in the file. */
  header: string;
  field: ContactField;
  /** For customData: the key it is stored under (the header). */
  key: string;
}

export interface CsvPreview {
  columns: ColumnMapping[];
  /** The first rows, as written (by header). */
  rows: Record<string, string>[];
  /** Data rows in the file (header excluded, blank lines skipped). */
  totalRows: number;
  /** Problems that block the import (no phone column, unreadable file). */
  errors: string[];
  /** Problems worth knowing (a repeated column, ragged rows). */
  warnings: string[];
}

function normalizeHeader(header: string): string {
  return header
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '');
}

/** Which contact field each header fills: phone/phoneNumber/number, name, email, priority, timezone, the rest customData. */
export function mapColumns(headers: readonly string[]): ColumnMapping[] {
  const taken = new Set<ContactField>();
  return headers.map((header) => {
    const known = KNOWN_HEADERS[normalizeHeader(header)];
    // The first column for a field wins; a second "phone" column is kept as custom data.
    if (known && !taken.has(known)) {
      taken.add(known);
      return { header, field: known, key: header };
    }
    return { header, field: 'customData', key: header.trim() };
  });
}

/** Reads CSV text for the preview: the column mapping, the first `limit` rows, the row count. */
export function previewCsv(text: string, limit = 5): CsvPreview {
  const result = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ''), {
    header: true,
    skipEmptyLines: 'greedy',
    transformHeader: (header) => header.trim(),
  });
  const headers = (result.meta.fields ?? []).filter((header) => header !== '');
  const columns = mapColumns(headers);
  const errors: string[] = [];
  const warnings: string[] = [];
  if (headers.length === 0) errors.push('The first line must name the columns, e.g. phone,name,email.');
  else if (!columns.some((column) => column.field === 'phoneNumber')) {
    errors.push('No phone column: name one "phone", "phoneNumber" or "number".');
  }
  if (headers.length > 0 && result.data.length === 0) errors.push('The file has a header but no contacts.');
  const ragged = result.errors.filter((error) => error.type === 'FieldMismatch').length;
  if (ragged > 0)
    warnings.push(`${ragged} ${ragged === 1 ? 'row has' : 'rows have'} a different number of cells than the header.`);
  const repeated = headers.filter((header, index) => headers.indexOf(header) !== index);
  if (repeated.length > 0) warnings.push(`Repeated column: ${[...new Set(repeated)].join(', ')}.`);
  return { columns, rows: result.data.slice(0, limit), totalRows: result.data.length, errors, warnings };
}

/** A contact as the addContacts mutation takes it, from one parsed row. */
export function rowToContact(row: Record<string, string>, columns: readonly ColumnMapping[]) {
  const contact: {
    phoneNumber: string;
    name?: string;
    email?: string;
    priority?: number;
    timezone?: string;
    customData?: Record<string, string>;
  } = { phoneNumber: '' };
  const customData: Record<string, string> = {};
  for (const column of columns) {
    const value = (row[column.header] ?? '').trim();
    switch (column.field) {
      case 'phoneNumber':
        contact.phoneNumber = value;
        break;
      case 'name':
        if (value) contact.name = value;
        break;
      case 'email':
        if (value) contact.email = value;
        break;
      case 'priority':
        if (value && Number.isFinite(Number(value))) contact.priority = Math.trunc(Number(value));
        break;
      case 'timezone':
        if (value) contact.timezone = value;
        break;
      case 'customData':
        if (value) customData[column.key] = value;
        break;
    }
  }
  if (Object.keys(customData).length > 0) contact.customData = customData;
  return contact;
}
