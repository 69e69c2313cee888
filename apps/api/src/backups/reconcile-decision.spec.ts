import { MAX_RUNS, reconcileAction } from './reconcile-decision';

describe('reconcileAction', () => {
  it('leaves jobs BullMQ still holds', () => {
    for (const state of ['waiting', 'delayed', 'active', 'prioritized', 'waiting-children']) expect(reconcileAction(state, 0)).toBe('leave');
  });

  it('enqueues a lost or prematurely ended job while runs remain, then fails the row', () => {
    for (const state of ['missing', 'completed', 'failed']) {
      expect(reconcileAction(state, 0)).toBe('enqueue');
      expect(reconcileAction(state, MAX_RUNS - 1)).toBe('enqueue');
      expect(reconcileAction(state, MAX_RUNS)).toBe('fail');
    }
  });
});
