import { DomainError } from '@hivehub/common';

/** Letters, digits, - and _, up to 255 characters: names safe as file and URL segments on every node. */
const COLLECTION_NAME = /^[A-Za-z0-9_-]{1,255}$/;

/** A name a new collection may take; Qdrant checks names strictly only at creation, with a 422. */
export function assertNewCollectionName(name: string): void {
  if (!COLLECTION_NAME.test(name)) {
    throw new DomainError(
      'validation_failed',
      `Validation error in path parameters: name: collection names are 1 to 255 letters, digits, '-' or '_', got ${JSON.stringify(name.length > 60 ? `${name.slice(0, 60)}…` : name)}`,
    );
  }
}

/** False for a name no collection can have, so it is answered as missing without asking a node. */
export function couldExist(name: string): boolean {
  return COLLECTION_NAME.test(name);
}

export function collectionNotFound(name: string): DomainError {
  return new DomainError('not_found', `Not found: Collection \`${name}\` doesn't exist!`);
}

/** Routes on a collection answer 404 for a name no collection can have, without asking a node. */
export function assertCouldExist(name: string): void {
  if (!couldExist(name)) throw collectionNotFound(name);
}
