import { detached } from '../analyzer/detached';

/**
 * A bounded cache of values computed from a string alone (a literal's source, a template's text).
 * The model is rebuilt on every keystroke, but almost every string in it is the same as before the
 * edit: keying by content lets the next analysis reuse the work. Only pure functions of the key may be
 * cached, so no result ever depends on which file was analysed before.
 *
 * Two generations keep it bounded without bookkeeping per hit: when the current one is full it becomes
 * the previous one and the entries nobody asked for since are dropped with the old previous one.
 */
const everyCache: { clear(): void }[] = [];

/** Empties every content cache, so the next analysis starts cold (for benchmarks). */
export function clearContentCaches(): void {
  for (const cache of everyCache) cache.clear();
}

export class ContentCache<V> {
  private current = new Map<string, V>();
  private previous = new Map<string, V>();

  constructor(private readonly maxEntriesPerGeneration: number) {
    everyCache.push(this);
  }

  clear(): void {
    this.current = new Map();
    this.previous = new Map();
  }

  /** The cached value for `key`, or `compute(key)` remembered for next time. */
  get(key: string, compute: (key: string) => V): V {
    // One look-up per generation: values are never undefined in practice, and one that is is only computed again.
    const cached = this.current.get(key);
    if (cached !== undefined) return cached;
    // Keys are usually slices of a document: the cache keeps (and computes from) a copy of its own.
    const ownKey = detached(key);
    const remembered = this.previous.get(key);
    const value = remembered !== undefined ? remembered : compute(ownKey);
    if (this.current.size >= this.maxEntriesPerGeneration) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(ownKey, value);
    return value;
  }
}

/**
 * Values computed from one model part that the analyzer hands on unchanged from one analysis to the
 * next (a statement's keyword-argument records and the expressions in them), keyed by that object.
 * Those parts are never changed once made, so an entry can only be used for the very content it was
 * computed from; an edited statement gets new objects and misses. Weak keys bound it by what the
 * analyzer still holds.
 */
export class ObjectCache<K extends object, V> {
  private entries = new WeakMap<K, V>();

  constructor() {
    everyCache.push(this);
  }

  clear(): void {
    this.entries = new WeakMap();
  }

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  set(key: K, value: V): void {
    this.entries.set(key, value);
  }
}
