import { DomainError } from '@hivehub/common';

/** The DomainError `fn` throws; fails the test when it throws nothing or something else. */
export function domainFailure(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}
