import { Decimal128, ObjectId } from 'bson';
import { canonicalKey, compareValues, getPathValues } from './values';

describe('compareValues', () => {
  it('orders ObjectIds as their hex strings sort (byte order), through the packed fast path', () => {
    const ids = [
      ...Array.from({ length: 50 }, () => new ObjectId()),
      ...[
        '000000000000000000000000',
        'ffffffffffffffffffffffff',
        '00ffffffffffffffffffffff',
        'ff0000000000000000000000',
      ]
        .concat([
          '000000ff0000000000000000',
          '0000000000ff000000000000',
          '000000000000000000ff0000',
          '0000000000000000000000ff',
        ])
        .map((hex) => ObjectId.createFromHexString(hex)),
    ];
    for (const a of ids)
      for (const b of ids) {
        const x = a.toHexString();
        const y = b.toHexString();
        expect(compareValues(a, b)).toBe(x < y ? -1 : x > y ? 1 : 0);
      }
  });

  it('keeps MongoDB’s order across types', () => {
    const ordered = [
      null,
      -1,
      Decimal128.fromString('2.5'),
      3,
      'a',
      'b',
      { a: 1 },
      [1],
      new ObjectId('000000000000000000000001'),
      false,
      true,
      new Date(0),
      new Date(1),
      /x/,
    ];
    for (let i = 0; i < ordered.length; i++)
      for (let j = 0; j < ordered.length; j++)
        expect(Math.sign(compareValues(ordered[i], ordered[j]))).toBe(Math.sign(i - j));
    expect(compareValues(undefined, null)).toBe(0);
    expect(compareValues(Number.NaN, -Infinity)).toBe(-1);
    expect(compareValues(Number.NaN, Number.NaN)).toBe(0);
  });
});

describe('getPathValues and canonicalKey fast paths', () => {
  it('reads a top-level field as the dotted-path walk does', () => {
    const id = new ObjectId();
    const doc = { a: 1, b: [1, 2], c: [], d: null, e: { f: 2 }, g: id };
    for (const field of ['a', 'b', 'c', 'd', 'e', 'g', 'missing', '']) {
      // A one-element prefix path (`x.0`-free) goes through the walk: compare the two.
      const walked = getPathValues({ wrap: doc }, `wrap.${field}`);
      expect(getPathValues(doc, field)).toEqual(walked);
    }
    const values = getPathValues(doc, 'b');
    values.push(3);
    expect(doc.b).toEqual([1, 2]);
  });

  it('keys an ObjectId by its hex string', () => {
    const id = new ObjectId();
    expect(canonicalKey(id)).toBe(`o:${id.toHexString()}`);
    expect(canonicalKey(ObjectId.createFromHexString(id.toHexString()))).toBe(canonicalKey(id));
  });
});
