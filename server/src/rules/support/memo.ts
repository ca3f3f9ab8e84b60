/**
 * What a rule worked out from one model object, kept for as long as the object lives. After a
 * keystroke the analyzer hands out the same fact and argument objects again for every statement the
 * keystroke left alone, and never changes them, so a rule whose result for the object depends on the
 * object alone need not read it again.
 */
export class PerObjectMemo<K extends object, V, Input = void> {
  private readonly results = new WeakMap<K, V>();

  /** `input` is what the computation reads besides the object; it must not change what the result is. */
  constructor(private readonly compute: (key: K, input: Input) => V) {}

  get(key: K, input: Input): V {
    let result = this.results.get(key);
    if (result === undefined) {
      result = this.compute(key, input);
      this.results.set(key, result);
    }
    return result;
  }
}

/** The result shared by objects in which a rule found nothing, which is nearly all of them. */
export const NOTHING: readonly never[] = Object.freeze([]);
