import type { Position, Range } from '../analyzer/model';

/**
 * Offsets and positions in a document, counted the way LSP counts them: 0-based lines, UTF-16
 * columns, and `\r\n`, `\n` or `\r` as line ends. JavaScript strings are UTF-16, so a column is a
 * plain string index within its line.
 */
export class LineIndex {
  /**
   * Line starts found so far, in order: found on demand, as far as a question needs. The rules share one
   * index per document text, and most of what they ask on a keystroke is about the first lines (a DAG's
   * arguments), so most keystrokes never scan the whole document.
   */
  private readonly starts: number[] = [0];
  /** Where to look for the next line end; -1 once every line start is known. */
  private scanFrom = 0;
  private readonly hasCarriageReturns: boolean;

  constructor(readonly text: string) {
    this.hasCarriageReturns = text.includes('\r');
  }

  get lineCount(): number {
    while (this.scanFrom >= 0) this.findNextLineStart();
    return this.starts.length;
  }

  /** The offset of `position`, clamped into the document (a column past the line end lands on the line end). */
  offsetAt(position: Position): number {
    if (position.line < 0) return 0;
    if (!this.knowsLine(position.line)) return this.text.length;
    const start = this.starts[position.line]!;
    const end = this.lineContentEnd(position.line);
    return Math.min(start + Math.max(0, position.character), end);
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    const starts = this.starts;
    while (this.scanFrom >= 0 && starts[starts.length - 1]! <= clamped) this.findNextLineStart();
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (starts[middle]! <= clamped) low = middle;
      else high = middle - 1;
    }
    return { line: low, character: clamped - starts[low]! };
  }

  /** The text between two positions. */
  slice(range: Range): string {
    return this.text.slice(this.offsetAt(range.start), this.offsetAt(range.end));
  }

  /** The line's text without its line end. */
  lineText(line: number): string {
    if (line < 0 || !this.knowsLine(line)) return '';
    return this.text.slice(this.starts[line]!, this.lineContentEnd(line));
  }

  /** Offset just past the line's last character, before its line end. */
  lineContentEnd(line: number): number {
    this.knowsLine(line + 1);
    const starts = this.starts;
    const nextStart = line + 1 < starts.length ? starts[line + 1]! : this.text.length;
    let end = nextStart;
    if (end > starts[line]! && this.text.charCodeAt(end - 1) === 10) end--;
    if (end > starts[line]! && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  /** Whether the document has line `line`, finding line starts up to it. */
  private knowsLine(line: number): boolean {
    while (this.starts.length <= line && this.scanFrom >= 0) this.findNextLineStart();
    return line < this.starts.length;
  }

  /** Finds the start of the line after the last one known (or that there is none). */
  private findNextLineStart(): void {
    const text = this.text;
    if (!this.hasCarriageReturns) {
      // The usual case: `\n` line ends only, found by the native search rather than a loop over every character.
      const end = text.indexOf('\n', this.scanFrom);
      if (end < 0) this.scanFrom = -1;
      else this.starts.push((this.scanFrom = end + 1));
      return;
    }
    for (let index = this.scanFrom; index < text.length; index++) {
      const code = text.charCodeAt(index);
      if (code === 13 /* \r */ || code === 10 /* \n */) {
        const next = code === 13 && text.charCodeAt(index + 1) === 10 ? index + 2 : index + 1;
        this.starts.push((this.scanFrom = next));
        return;
      }
    }
    this.scanFrom = -1;
  }

  /** The document's first line ending, so inserted lines match the user's style. */
  lineEnding(): string {
    const match = /\r\n|\n|\r/.exec(this.text);
    return match ? match[0] : '\n';
  }
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
