import type { CallFact, FileModel, Range } from '../../analyzer/model';
import { comparePositions } from '../text';
import { containsRange } from './expressions';

/**
 * The calls of a file that match a predicate, sorted by position, so a rule can ask "which of them lie
 * inside this range?" in logarithmic time instead of scanning every call for every task.
 */
export class CallsInRanges {
  private readonly calls: CallFact[];

  constructor(file: FileModel, matches: (call: CallFact) => boolean) {
    this.calls = file.calls.filter(matches).sort((a, b) => comparePositions(a.range.start, b.range.start));
  }

  get size(): number {
    return this.calls.length;
  }

  all(): readonly CallFact[] {
    return this.calls;
  }

  /** The matching calls lying within `range`. */
  within(range: Range): CallFact[] {
    if (this.calls.length === 0) return [];
    let low = 0;
    let high = this.calls.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (comparePositions(this.calls[middle]!.range.start, range.start) < 0) low = middle + 1;
      else high = middle;
    }
    const found: CallFact[] = [];
    for (let index = low; index < this.calls.length; index++) {
      const call = this.calls[index]!;
      if (comparePositions(call.range.start, range.end) >= 0) break;
      if (containsRange(range, call.range)) found.push(call);
    }
    return found;
  }
}

/** Facts (calls, assignments) grouped by the line they start on, for looking at a call's surroundings. */
export function byStartLine<T extends { range: Range }>(facts: readonly T[]): Map<number, T[]> {
  const map = new Map<number, T[]>();
  for (const fact of facts) {
    const line = fact.range.start.line;
    let list = map.get(line);
    if (!list) map.set(line, (list = []));
    list.push(fact);
  }
  return map;
}

/** The facts starting up to `lookBack` lines before `range` that contain it: its enclosing expressions. */
export function enclosing<T extends { range: Range }>(index: Map<number, T[]>, range: Range, lookBack = 12): T[] {
  const found: T[] = [];
  for (let line = range.start.line; line >= Math.max(0, range.start.line - lookBack); line--) {
    for (const fact of index.get(line) ?? []) {
      if (fact.range !== range && containsRange(fact.range, range)) found.push(fact);
    }
  }
  return found;
}
