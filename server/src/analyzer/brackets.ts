/**
 * Brackets left open at the end of a file, found the way Python's tokenizer finds them: brackets inside
 * comments and string literals do not count, those inside an f-string's replacement fields do.
 *
 * One bracket left open (`task = BashOperator(` while typing) makes every following line part of the
 * call, so the parser reports errors on each of those lines and none on the line at fault. Python
 * reports such a file as "'(' was never closed" at the bracket; so does the analyzer (see `analyze.ts`).
 */

const OPENING = '([{';
const CLOSING = ')]}';
/** Nesting deeper than this (f-strings inside f-strings inside …) is not followed: the scan gives up. */
const MAX_NESTING = 200;

/** Where the innermost bracket still open at the end of `text` is; null when none is, or when the brackets do not pair up. */
export function unclosedBracketAt(text: string): number | null {
  const scanner = new BracketScanner(text);
  const open = scanner.scanCode(null, 0);
  return scanner.failed || open === null || open.length === 0 ? null : open[open.length - 1]!;
}

class BracketScanner {
  private at = 0;
  /** Set when a closing bracket matched no opening one: what is open at the end is then not known. */
  failed = false;

  constructor(private readonly text: string) {}

  /**
   * Scans code up to the end of the text or, inside an f-string's replacement field (`closer` is `}`),
   * up to that field's closing brace. Returns the offsets of the brackets still open.
   */
  scanCode(closer: '}' | null, nesting: number): number[] | null {
    const text = this.text;
    const open: number[] = [];
    while (this.at < text.length && !this.failed) {
      const ch = text[this.at]!;
      if (ch === '#') {
        const lineEnd = text.indexOf('\n', this.at);
        this.at = lineEnd === -1 ? text.length : lineEnd;
      } else if (ch === '"' || ch === "'") {
        this.scanString(this.prefixBefore(), nesting);
      } else if (OPENING.includes(ch)) {
        open.push(this.at++);
      } else if (CLOSING.includes(ch)) {
        if (open.length === 0) {
          if (closer === ch) {
            this.at++;
            return open;
          }
          this.failed = true;
          return null;
        }
        if (OPENING.indexOf(text[open[open.length - 1]!]!) !== CLOSING.indexOf(ch)) {
          this.failed = true;
          return null;
        }
        open.pop();
        this.at++;
      } else {
        this.at++;
      }
    }
    return open;
  }

  /** The string prefix (`f`, `rb`, …) just before the quote at the scan position, lower-cased. */
  private prefixBefore(): string {
    let start = this.at;
    while (start > 0 && start > this.at - 2 && /[rRbBuUfF]/.test(this.text[start - 1]!)) start--;
    // A prefix is a whole word: `of"` is a name followed by a string, not an f-string.
    if (start > 0 && /[\w]/.test(this.text[start - 1]!)) return '';
    return this.text.slice(start, this.at).toLowerCase();
  }

  /** Skips the string literal starting at the scan position, following an f-string's replacement fields. */
  private scanString(prefix: string, nesting: number): void {
    const text = this.text;
    const quote = text[this.at]!;
    const triple = text.startsWith(quote.repeat(3), this.at);
    const delimiter = triple ? quote.repeat(3) : quote;
    const formatted = prefix.includes('f');
    this.at += delimiter.length;
    while (this.at < text.length && !this.failed) {
      const ch = text[this.at]!;
      if (ch === '\\') {
        this.at += 2;
      } else if (text.startsWith(delimiter, this.at)) {
        this.at += delimiter.length;
        return;
      } else if (ch === '\n' && !triple) {
        // Unterminated: the tokenizer reports that on its own; the brackets after it still count.
        return;
      } else if (formatted && ch === '{') {
        if (text[this.at + 1] === '{') {
          this.at += 2;
        } else {
          this.at++;
          if (nesting >= MAX_NESTING) {
            this.failed = true;
            return;
          }
          const open = this.scanCode('}', nesting + 1);
          // A field left open runs to the end of the text: its brackets are what is open there.
          if (open !== null && open.length > 0 && this.at >= text.length) this.failed = true;
        }
      } else {
        this.at++;
      }
    }
  }
}
