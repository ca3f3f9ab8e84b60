import type { Position, Range } from '../analyzer/model';

/**
 * Offsets and positions in a document, counted the way LSP counts them: 0-based lines, UTF-16
 * columns, and `\r\n`, `\n` or `\r` as line ends. JavaScript strings are UTF-16, so a column is a
 * plain string index within its line.
 */
export class LineIndex {
  /** Found on first use: the rules share one index per document text, and on most keystrokes none of them needs it. */
  private starts: number[] | null = null;

  constructor(readonly text: string) {}

  private get lineStarts(): number[] {
    return (this.starts ??= lineStartsOf(this.text));
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** The offset of `position`, clamped into the document (a column past the line end lands on the line end). */
  offsetAt(position: Position): number {
    if (position.line < 0) return 0;
    if (position.line >= this.lineStarts.length) return this.text.length;
    const start = this.lineStarts[position.line]!;
    const end = this.lineContentEnd(position.line);
    return Math.min(start + Math.max(0, position.character), end);
  }

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

  /** The line's text without its line end. */
  lineText(line: number): string {
    if (line < 0 || line >= this.lineStarts.length) return '';
    return this.text.slice(this.lineStarts[line]!, this.lineContentEnd(line));
  }

  /** Offset just past the line's last character, before its line end. */
  lineContentEnd(line: number): number {
    const nextStart = line + 1 < this.lineStarts.length ? this.lineStarts[line + 1]! : this.text.length;
    let end = nextStart;
    if (end > this.lineStarts[line]! && this.text.charCodeAt(end - 1) === 10) end--;
    if (end > this.lineStarts[line]! && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  /** The document's first line ending, so inserted lines match the user's style. */
  lineEnding(): string {
    const match = /\r\n|\n|\r/.exec(this.text);
    return match ? match[0] : '\n';
  }
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  if (!text.includes('\r')) {
    // The usual case: `\n` line ends only, found by the native search rather than a loop over every character.
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', end + 1)) starts.push(end + 1);
  } else {
    for (let index = 0; index < text.length; index++) {
      const code = text.charCodeAt(index);
      if (code === 13 /* \r */) {
        if (text.charCodeAt(index + 1) === 10) index++;
        starts.push(index + 1);
      } else if (code === 10 /* \n */) {
        starts.push(index + 1);
      }
    }
  }
  return starts;
}

let lastIndex: LineIndex | null = null;

/**
 * A line index for `text`, reused while the same document text is asked about again: by the rules of
 * one analysis, the templates they share, then a hover.
 */
export function lineIndexOf(text: string): LineIndex {
  if (lastIndex === null || lastIndex.text !== text) lastIndex = new LineIndex(text);
  return lastIndex;
}

export function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

export function compareRanges(a: Range, b: Range): number {
  return comparePositions(a.start, b.start) || comparePositions(a.end, b.end);
}

/** An empty range at `position`, for insertions. */
export function pointRange(position: Position): Range {
  return { start: position, end: position };
}
