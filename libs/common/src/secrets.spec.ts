import { secretMatcher, secretsEqual, sha256Hex, sha256Matches } from './secrets';

describe('secret comparisons', () => {
  it('match the same secret only, whatever the lengths', () => {
    const matches = secretMatcher('node-token-123');
    expect(matches('node-token-123')).toBe(true);
    expect(['node-token-12', 'node-token-1234', '', 'NODE-TOKEN-123'].map(matches)).toEqual([false, false, false, false]);
    expect(secretsEqual('a', 'a')).toBe(true);
    expect(secretsEqual('a', 'ab')).toBe(false);
  });

  it('check a secret against a stored sha256, refusing a malformed stored value', () => {
    const stored = sha256Hex('s3cret');
    expect(sha256Matches('s3cret', stored)).toBe(true);
    expect(sha256Matches('s3cret!', stored)).toBe(false);
    expect(sha256Matches('s3cret', stored.slice(0, 62))).toBe(false);
    expect(sha256Matches('s3cret', 'not hex at all')).toBe(false);
  });
});
