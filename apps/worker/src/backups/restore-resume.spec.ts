import type { CollectionInfo } from '@hivehub/shard';
import { alreadySwappedIn } from './restore-resume';

const info = (name: string, lsn: number, points: number) => ({ name, lsn, points_count: points }) as CollectionInfo;
const manifest = { collections: [{ name: 'docs', lsn: 40, points: 100 }, { name: 'notes', lsn: 7, points: 3 }] };
const targets = [
  { as: 'r_docs', source: 'docs' },
  { as: 'r_notes', source: 'notes' },
];

describe('alreadySwappedIn', () => {
  it('recognises targets live at the backup’s LSN and count', () => {
    expect(alreadySwappedIn(targets, manifest, [info('r_docs', 40, 100), info('r_notes', 7, 3), info('other', 1, 1)])).toEqual([
      { name: 'r_docs', source: 'docs', points: 100 },
      { name: 'r_notes', source: 'notes', points: 3 },
    ]);
  });

  it('installs again when any target is missing or differs', () => {
    expect(alreadySwappedIn(targets, manifest, [info('r_docs', 40, 100)])).toBeNull();
    expect(alreadySwappedIn(targets, manifest, [info('r_docs', 41, 100), info('r_notes', 7, 3)])).toBeNull();
    expect(alreadySwappedIn(targets, manifest, [info('r_docs', 40, 99), info('r_notes', 7, 3)])).toBeNull();
  });
});
