import { checkRecord, decodeRecord, encodeDelete, encodeUpsert, WalOp } from './wal-record';

describe('WAL records', () => {
  const body = {
    ids: [7, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'],
    vectors: Float32Array.from([1, 2, 3, 4, 5, 6]),
    payloads: [{ a: 'é' }, {}],
    payloadBytes: [10, 2],
  };
  const upsert = encodeUpsert(Number.MAX_SAFE_INTEGER, 3, body, ['{"a":"é"}', '{}']);

  it('round-trips an upsert with a u64-safe LSN', () => {
    const check = checkRecord(upsert, 0, upsert.length, upsert.length);
    expect(check).toEqual({ ok: true, lsn: Number.MAX_SAFE_INTEGER, op: WalOp.Upsert, end: upsert.length });
    if (!check.ok) return;
    const record = decodeRecord(upsert, 0, check.lsn, check.op, check.end, 3, 'test');
    expect(record.body).toEqual(body);
  });

  it('round-trips a delete', () => {
    const record = encodeDelete(5, [1, 2]);
    const check = checkRecord(record, 0, record.length, record.length);
    expect(check.ok && decodeRecord(record, 0, check.lsn, check.op, check.end, 3, 'test').body).toEqual({ ids: [1, 2] });
  });

  it('detects a flipped bit anywhere, and a record cut short', () => {
    for (let i = 0; i < upsert.length; i++) {
      const damaged = Buffer.from(upsert);
      damaged[i] ^= 0x10;
      expect(checkRecord(damaged, 0, damaged.length, damaged.length).ok).toBe(false);
    }
    expect(checkRecord(upsert, 0, upsert.length - 1, upsert.length - 1)).toMatchObject({ ok: false, reason: 'truncated record' });
    expect(checkRecord(upsert, 0, 10, 10)).toMatchObject({ ok: false, reason: 'truncated header' });
  });
});
