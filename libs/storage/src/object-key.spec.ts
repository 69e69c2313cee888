import { assertValidKey, assertValidPrefix, compareKeys } from './object-key';

describe('object keys', () => {
  it.each(['manifest.json', 'tenants/t1/backups/b1/segments/000001.seg', '..hidden', 'a/.b', 'é/ключ'])(
    'accepts %j',
    (key) => expect(() => assertValidKey(key)).not.toThrow(),
  );

  it.each([
    '',
    '/abs',
    '..',
    '../escape',
    'a/../../escape',
    'a/./b',
    'a//b',
    'dir/',
    'a\\b',
    'nul\0',
    'a/.hivehub-tmp-0123',
    'x'.repeat(1025),
  ])('rejects %j with bad_request', (key) => {
    expect(() => assertValidKey(key)).toThrow(expect.objectContaining({ code: 'bad_request' }));
  });

  it.each(['', 'tenants/', 'tenants/t1', 'tenants/t1/backups/2024-', 'a/.', 'a/..x'])('accepts the prefix %j', (p) =>
    expect(() => assertValidPrefix(p)).not.toThrow(),
  );

  it.each(['../', '../x', 'a/../../', '/abs', 'a\\', 'a//'])('rejects the prefix %j', (p) => {
    expect(() => assertValidPrefix(p)).toThrow(expect.objectContaining({ code: 'bad_request' }));
  });

  it('orders keys by UTF-8 bytes, as S3 does', () => {
    // U+FF5E is one UTF-16 unit, U+1F600 two surrogates (0xD83D...): string order is the reverse of byte order.
    const keys = ['😀', '～', 'a/b', 'a-b'];
    expect([...keys].sort(compareKeys)).toEqual(['a-b', 'a/b', '～', '😀']);
    expect([...keys].sort()).toEqual(['a-b', 'a/b', '😀', '～']);
  });
});
