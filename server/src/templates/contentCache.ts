/**
 * A bounded cache of values computed from a string alone (a literal's source, a template's text).
 * The model is rebuilt on every keystroke, but almost every string in it is the same as before the
 * edit: keying by content lets the next analysis reuse the work. Only pure functions of the key may be
 * cached, so no result ever depends on which file was analysed before.
 *
 * Two generations keep it bounded without bookkeeping per hit: when the current one is full it becomes
 * the previous one and the entries nobody asked for since are dropped with the old previous one.
 */
const everyCache: ContentCache<unknown>[] = [];

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
    if (this.current.has(key)) return this.current.get(key)!;
    const value = this.previous.has(key) ? this.previous.get(key)! : compute(key);
    if (this.current.size >= this.maxEntriesPerGeneration) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(key, value);
    return value;
  }
}
