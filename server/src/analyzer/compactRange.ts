import type { Position, Range } from './model';

/**
 * The analyzer's ranges: four numbers in one object, whose positions are made when they are read.
 *
 * A 2,000-task file has some 30,000 ranges (every call, keyword argument, key and value has one), and as
 * `{ start: { line, character }, end: { line, character } }` each was three objects. They live as long as
 * the model, so in a first analysis the garbage collector copied them all, twice: they were a quarter of
 * what it copied. Most are never read. Serialised (`JSON.stringify`, the LSP connection), a compact range
 * is the plain `Range` it stands for.
 */
export class CompactRange implements Range {
  constructor(
    readonly startLine: number,
    readonly startCharacter: number,
    readonly endLine: number,
    readonly endCharacter: number,
  ) {}

  get start(): Position {
    return { line: this.startLine, character: this.startCharacter };
  }

  get end(): Position {
    return { line: this.endLine, character: this.endCharacter };
  }

  toJSON(): Range {
    return { start: this.start, end: this.end };
  }
}

/** `range` moved down by `lines` (up when negative), columns unchanged. */
export function shiftLines(range: Range, lines: number): Range {
  if (range instanceof CompactRange) {
    return new CompactRange(range.startLine + lines, range.startCharacter, range.endLine + lines, range.endCharacter);
  }
  const { start, end } = range;
  return new CompactRange(start.line + lines, start.character, end.line + lines, end.character);
}
