import { mintApiKey, parseApiKey, secretMatches } from './api-key-secrets';

describe('API key secrets', () => {
  it('mints keys that parse back to their id and match only their own hash', () => {
    const a = mintApiKey();
    const b = mintApiKey();
    const parsedA = parseApiKey(a.key);
    expect(parsedA?.keyId).toBe(a.keyId);
    expect(secretMatches(parsedA!.secret, a.secretHash)).toBe(true);
    expect(secretMatches(parsedA!.secret, b.secretHash)).toBe(false);
    expect(a.key).not.toContain(a.secretHash);
  });

  it('refuses malformed keys', () => {
    const { key } = mintApiKey();
    for (const bad of ['', 'hh_', key.slice(0, -1), `${key}x`, key.replace('hh_', 'xx_'), key.toUpperCase()]) {
      expect(parseApiKey(bad)).toBeNull();
    }
  });
});
