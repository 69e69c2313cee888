import { LabelColumn, NumberColumn } from './label-column';

describe('label columns', () => {
  it('read labels never set as empty, and keep values across chunk boundaries', () => {
    const ids = new LabelColumn<string | undefined>(undefined);
    expect(ids.get(0)).toBeUndefined();
    for (const label of [0, 4095, 4096, 4097, 20_000]) ids.set(label, `p${label}`);
    expect([0, 4095, 4096, 4097, 20_000].map((l) => ids.get(l))).toEqual(['p0', 'p4095', 'p4096', 'p4097', 'p20000']);
    expect([1, 8191, 12_288, 20_001, 1e6].map((l) => ids.get(l))).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  it('copies a number column into one array, labels never set as 0', () => {
    const versions = new NumberColumn();
    expect(versions.copy(3)).toEqual(new Float64Array(3));
    versions.set(0, 1.5);
    versions.set(4096, 7);
    versions.set(9000, 9);
    const copy = versions.copy(9001);
    expect(copy.length).toBe(9001);
    expect([copy[0], copy[1], copy[4095], copy[4096], copy[9000]]).toEqual([1.5, 0, 0, 7, 9]);
    expect(versions.copy(4097).length).toBe(4097);
    expect(versions.copy(20_000)[19_999]).toBe(0);
  });
});
