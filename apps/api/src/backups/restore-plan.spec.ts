import { DomainError } from '@hivehub/common';
import { restorePlan, type RestoreRequest } from './restore-plan';

const base: RestoreRequest = { inBackup: ['a', 'b'], targetPrefix: '', overwrite: false, live: [], maxCollections: 10 };

function refusal(req: RestoreRequest): DomainError {
  try {
    restorePlan(req);
  } catch (err) {
    return err as DomainError;
  }
  throw new Error('not refused');
}

describe('restorePlan', () => {
  it('takes every collection of the backup by default, under the prefix when given', () => {
    expect(restorePlan(base)).toEqual({ sources: ['a', 'b'], targets: ['a', 'b'] });
    expect(restorePlan({ ...base, requested: ['b'], targetPrefix: 'r_', live: ['b'] })).toEqual({ sources: ['b'], targets: ['r_b'] });
  });

  it('names existing targets in a 409 unless overwrite is true', () => {
    const err = refusal({ ...base, live: ['b', 'c'] });
    expect(err.status).toBe(409);
    expect(err.details).toEqual({ collections: ['b'] });
    expect(err.message).toContain('b');
    expect(restorePlan({ ...base, live: ['b'], overwrite: true }).targets).toEqual(['a', 'b']);
  });

  it('refuses names the backup lacks and names the prefix makes too long', () => {
    expect(refusal({ ...base, requested: ['a', 'zz'] }).details).toEqual({ collections: ['zz'] });
    expect(refusal({ ...base, targetPrefix: 'p'.repeat(255) }).status).toBe(422);
  });

  it('counts replaced collections once against max_collections', () => {
    expect(restorePlan({ ...base, live: ['a', 'x'], overwrite: true, maxCollections: 3 }).targets).toEqual(['a', 'b']);
    expect(refusal({ ...base, live: ['x', 'y'], maxCollections: 3 }).status).toBe(429);
  });
});
