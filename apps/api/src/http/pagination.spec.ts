import { DomainError } from '@hivehub/common';
import { decodeTimeCursor, encodeTimeCursor, parseLimit } from './pagination';

describe('pagination', () => {
  it('round-trips a time cursor and refuses anything else', () => {
    const row = { createdAt: new Date('2026-11-25T10:00:00.123Z'), id: 'b-1' };
    expect(decodeTimeCursor(encodeTimeCursor(row))).toEqual(row);
    expect(decodeTimeCursor(undefined)).toBeUndefined();
    for (const bad of ['x', Buffer.from('[1,2]').toString('base64url'), Buffer.from('["nope","a"]').toString('base64url')]) {
      expect(() => decodeTimeCursor(bad)).toThrow(DomainError);
    }
  });

  it('takes limits from 1 to the maximum', () => {
    expect(parseLimit(undefined, 50)).toBe(50);
    expect(parseLimit('7')).toBe(7);
    expect(() => parseLimit('0')).toThrow('limit must be an integer');
  });
});
