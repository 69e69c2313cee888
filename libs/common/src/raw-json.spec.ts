import { RawJson, stringifyWithRaw } from './raw-json';

describe('stringifyWithRaw', () => {
  it('writes what JSON.stringify writes when there is no RawJson', () => {
    const values: unknown[] = [
      null,
      0.1,
      'a "quoted"\nline',
      [1, undefined, () => 1, null],
      { a: 1, skipped: undefined, fn: () => 1, nested: { list: [{ x: 'y' }], empty: {} }, '"key"': true },
      { at: new Date(0), map: new Map([[1, 2]]) },
      Object.assign(Object.create(null), { bare: [] }),
      [],
    ];
    for (const value of values) expect(stringifyWithRaw(value)).toBe(JSON.stringify(value));
  });

  it('writes each RawJson as its text, at any depth in arrays and plain objects', () => {
    const points = new RawJson('[{"id":1,"score":0.5}]');
    const body = { result: [{ points }, { points: new RawJson('[]') }], status: 'ok', time: 0.25 };
    expect(stringifyWithRaw(body)).toBe('{"result":[{"points":[{"id":1,"score":0.5}]},{"points":[]}],"status":"ok","time":0.25}');
    expect(JSON.parse(stringifyWithRaw(body))).toEqual({ result: [{ points: [{ id: 1, score: 0.5 }] }, { points: [] }], status: 'ok', time: 0.25 });
    expect(stringifyWithRaw(points)).toBe(points.text);
  });

  it('writes undefined at the top as null, as a reply body must be something', () => {
    expect(stringifyWithRaw(undefined)).toBe('null');
  });

  it('prints a value as RawJson, null where JSON.stringify prints nothing', () => {
    expect(RawJson.of({ id: 1, skipped: undefined }).text).toBe('{"id":1}');
    expect([undefined, () => 1].map((v) => RawJson.of(v).text)).toEqual(['null', 'null']);
  });
});
