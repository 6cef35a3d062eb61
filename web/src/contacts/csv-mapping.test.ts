import { describe, expect, it } from 'vitest';
import { mapColumns, previewCsv, rowToContact } from './csv-mapping';

describe('mapColumns', () => {
  it('maps phone spellings, name, email, priority; the rest to customData', () => {
    expect(mapColumns(['Phone Number', 'Name', 'EMAIL', 'priority', 'city']).map((c) => c.field)).toEqual([
      'phoneNumber',
      'name',
      'email',
      'priority',
      'customData',
    ]);
    expect(mapColumns(['number']).map((c) => c.field)).toEqual(['phoneNumber']);
    expect(mapColumns(['phone_number']).map((c) => c.field)).toEqual(['phoneNumber']);
  });

  it('keeps a second phone column as custom data', () => {
    expect(mapColumns(['phone', 'number']).map((c) => c.field)).toEqual(['phoneNumber', 'customData']);
  });
});

describe('previewCsv', () => {
  it('reads the header, the first rows and counts the rest', () => {
    const text = 'phone,name\n+15550000001,Ann\n+15550000002,Bo\n\n+15550000003,Cy\n';
    const preview = previewCsv(text, 2);
    expect(preview.totalRows).toBe(3);
    expect(preview.rows).toEqual([
      { phone: '+15550000001', name: 'Ann' },
      { phone: '+15550000002', name: 'Bo' },
    ]);
    expect(preview.errors).toEqual([]);
  });

  it('blocks a file without a phone column', () => {
    expect(previewCsv('name,email\nAnn,a@x.io\n').errors[0]).toMatch(/No phone column/);
  });

  it('strips a byte order mark', () => {
    expect(previewCsv('\uFEFFphone\n1\n').columns[0]?.field).toBe('phoneNumber');
  });
});

describe('rowToContact', () => {
  it('builds a contact with custom data', () => {
    const columns = mapColumns(['phone', 'name', 'priority', 'city']);
    expect(rowToContact({ phone: ' +1555 ', name: 'Ann', priority: '7', city: 'Oslo' }, columns)).toEqual({
      phoneNumber: '+1555',
      name: 'Ann',
      priority: 7,
      customData: { city: 'Oslo' },
    });
  });
});
