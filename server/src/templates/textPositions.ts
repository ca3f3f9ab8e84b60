import type { Position, Range } from '../analyzer/model';

/**
 * Converts between offsets into a text and LSP positions (0-based lines, UTF-16 columns).
 *
 * JavaScript strings are UTF-16, so an offset into the string is already the column unit LSP uses;
 * only line breaks (`\n`, `\r\n`, lone `\r`) need counting.
 */
export class LineIndex {
  private readonly lineStarts: number[];

  constructor(private readonly text: string) {
    const starts = [0];
    for (let index = 0; index < text.length; index++) {
      const char = text.charCodeAt(index);
      if (char === 13 /* \r */) {
        if (text.charCodeAt(index + 1) === 10) index++;
        starts.push(index + 1);
      } else if (char === 10 /* \n */) {
        starts.push(index + 1);
      }
    }
    this.lineStarts = starts;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** The offset of `position`, clamped to the text. */
  offsetAt(position: Position): number {
    if (position.line < 0) return 0;
    if (position.line >= this.lineStarts.length) return this.text.length;
    const lineStart = this.lineStarts[position.line]!;
    const nextLineStart = position.line + 1 < this.lineStarts.length ? this.lineStarts[position.line + 1]! : this.text.length;
    return Math.max(lineStart, Math.min(lineStart + Math.max(0, position.character), nextLineStart));
  }

  /** The position of `offset`, clamped to the text. */
  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.lineStarts[middle]! <= clamped) low = middle;
      else high = middle - 1;
    }
    return { line: low, character: clamped - this.lineStarts[low]! };
  }

  /** The text between two positions. */
  slice(range: Range): string {
    return this.text.slice(this.offsetAt(range.start), this.offsetAt(range.end));
  }
}

/** The position reached after `text` when it starts at `start`. */
export function advancePosition(start: Position, text: string, from: number, to: number): Position {
  let line = start.line;
  let character = start.character;
  for (let index = from; index < to; index++) {
    const char = text.charCodeAt(index);
    if (char === 13) {
      if (text.charCodeAt(index + 1) === 10 && index + 1 < to) index++;
      line++;
      character = 0;
    } else if (char === 10) {
      line++;
      character = 0;
    } else {
      character++;
    }
  }
  return { line, character };
}

/** True when `position` lies within `range` (end inclusive, so a cursor right after the last character counts). */
export function rangeContains(range: Range, position: Position): boolean {
  if (position.line < range.start.line || position.line > range.end.line) return false;
  if (position.line === range.start.line && position.character < range.start.character) return false;
  if (position.line === range.end.line && position.character > range.end.character) return false;
  return true;
}

let lastIndex: LineIndex | null = null;
let lastText: string | null = null;

/** A line index for `text`, reused while the same document text is asked about again (rules, then a hover). */
export function lineIndexOf(text: string): LineIndex {
  if (lastText !== text || !lastIndex) {
    lastIndex = new LineIndex(text);
    lastText = text;
  }
  return lastIndex;
}
