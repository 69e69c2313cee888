import { DomainError } from '@hivehub/common';
import { ShardError } from '@hivehub/shard';
import { classifyFailure, JobRefusal } from './job-failure';

describe('classifyFailure', () => {
  it('keeps the code and permanence errors state themselves', () => {
    const checksum = Object.assign(new Error('sha256 of x differs'), { code: 'checksum_mismatch', permanent: true });
    expect(classifyFailure(checksum)).toEqual({ code: 'checksum_mismatch', message: 'sha256 of x differs', permanent: true });
    const storage = Object.assign(new Error('socket hang up'), { code: 'storage', permanent: false });
    expect(classifyFailure(storage).permanent).toBe(false);
    expect(classifyFailure(new JobRefusal('backup_not_found', 'gone'))).toEqual({ code: 'backup_not_found', message: 'gone', permanent: true });
  });

  it('fails shard refusals at once and retries a closing shard', () => {
    expect(classifyFailure(new ShardError('quota_exceeded', 'too many'))).toMatchObject({ code: 'quota_exceeded', permanent: true });
    expect(classifyFailure(new ShardError('not_found', 'no docs'))).toMatchObject({ code: 'collection_not_found', permanent: true });
    expect(classifyFailure(new ShardError('closed', 'closing'))).toMatchObject({ code: 'unavailable', permanent: false });
  });

  it('fails missing objects at once and retries the unknown', () => {
    expect(classifyFailure(new DomainError('not_found', 'no such object'))).toMatchObject({ code: 'not_found', permanent: true });
    expect(classifyFailure(new DomainError('unavailable', 'S3 down')).permanent).toBe(false);
    expect(classifyFailure(new Error('ECONNRESET'))).toEqual({ code: 'transient', message: 'ECONNRESET', permanent: false });
    expect(classifyFailure(Object.assign(new Error('ENOENT'), { code: 'ENOENT' })).permanent).toBe(false);
  });
});
