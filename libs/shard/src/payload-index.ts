import { PathStep, someValueAtPath } from './payload';
import { Payload } from './types';

export type IndexedValue = string | number | boolean;

/**
 * The labels of the points holding each scalar value at one key path (an array's
 * elements count one by one, as filters see them). Derived and in memory only: a
 * collection builds one the first time a filter matches on the key, keeps it
 * current on every write, and rebuilds it after a restart the same way.
 */
export class PayloadValueIndex {
  /** A value's one label, or its labels once it has several (most values of an id-like key have one). */
  private readonly labelsByValue = new Map<IndexedValue, number | Set<number>>();

  constructor(readonly path: readonly PathStep[]) {}

  add(label: number, payload: Payload): void {
    this.forEachValue(payload, (value) => {
      const held = this.labelsByValue.get(value);
      if (held === undefined) this.labelsByValue.set(value, label);
      else if (typeof held === 'number') {
        if (held !== label) this.labelsByValue.set(value, new Set([held, label]));
      } else held.add(label);
    });
  }

  remove(label: number, payload: Payload): void {
    this.forEachValue(payload, (value) => {
      const held = this.labelsByValue.get(value);
      if (held === label) this.labelsByValue.delete(value);
      else if (held instanceof Set && held.delete(label) && held.size === 1) this.labelsByValue.set(value, held.values().next().value!);
    });
  }

  /**
   * Labels holding any of `values` (a superset of what the condition matches; callers
   * check each), or null when more than `atMost` may (counted before collecting). For
   * one value this may be the index's own set: read it, never change it.
   */
  labelsWithAny(values: readonly IndexedValue[], atMost: number): ReadonlySet<number> | null {
    let held = 0;
    for (const value of values) {
      const labels = this.labelsByValue.get(value);
      held += labels === undefined ? 0 : typeof labels === 'number' ? 1 : labels.size;
    }
    if (held > atMost) return null;
    if (values.length === 1) {
      const labels = this.labelsByValue.get(values[0]);
      if (labels instanceof Set) return labels;
    }
    const union = new Set<number>();
    for (const value of values) {
      const labels = this.labelsByValue.get(value);
      if (typeof labels === 'number') union.add(labels);
      else if (labels) for (const label of labels) union.add(label);
    }
    return union;
  }

  private forEachValue(payload: Payload, visit: (value: IndexedValue) => void): void {
    someValueAtPath(payload, this.path, (value) => {
      if (Array.isArray(value)) {
        for (const element of value) if (isIndexable(element)) visit(element);
      } else if (isIndexable(value)) {
        visit(value);
      }
      return false; // visit every value
    });
  }
}

function isIndexable(value: unknown): value is IndexedValue {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}
