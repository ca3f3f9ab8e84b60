/**
 * Brackets left open at the end of a file, found the way Python's tokenizer finds them: brackets inside
 * comments and string literals do not count, those inside an f-string's replacement fields do.
 *
 * One bracket left open (`task = BashOperator(` while typing) makes every following line part of the
 * call, so the parser reports errors on each of those lines and none on the line at fault. Python
 * reports such a file as "'(' was never closed" at the bracket; so does the analyzer (see `analyze.ts`).
 */

/** Nesting deeper than this (f-strings inside f-strings inside …) is not followed: the scan gives up. */
const MAX_NESTING = 200;

const HASH = 0x23;
const QUOTE = 0x22;
const APOSTROPHE = 0x27;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;
const OPEN_PAREN = 0x28;
const CLOSE_PAREN = 0x29;
const OPEN_SQUARE = 0x5b;
const CLOSE_SQUARE = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const COLON = 0x3a;
const EQUALS = 0x3d;

/** The characters that can matter in code, and in a string literal. */
const CODE_STOPS = /[#"'()[\]{}:]/g;
const STRING_STOPS = /[\\\n"'{]/g;

/** For a closing bracket, its opening one; 0 for anything else. */
function openingFor(code: number): number {
  return code === CLOSE_PAREN ? OPEN_PAREN : code === CLOSE_SQUARE ? OPEN_SQUARE : code === CLOSE_BRACE ? OPEN_BRACE : 0;
}

/** Where the innermost bracket still open at the end of `text` is; null when none is, or when the brackets do not pair up. */
export function unclosedBracketAt(text: string): number | null {
  const scanner = new BracketScanner(text);
  const open = scanner.scanCode(false, 0);
  return scanner.failed || open === null || open.length === 0 ? null : open[open.length - 1]!;
}

class BracketScanner {
  private at = 0;
  /** Set when a closing bracket matched no opening one: what is open at the end is then not known. */
  failed = false;

  constructor(private readonly text: string) {}

  /**
   * Scans code up to the end of the text or, inside an f-string's replacement field, up to that field's
   * closing brace. Returns the offsets of the brackets still open.
   */
  scanCode(inField: boolean, nesting: number): number[] | null {
    const text = this.text;
    const length = text.length;
    const open: number[] = [];
    while (this.at < length) {
      if (!this.skipTo(CODE_STOPS)) break;
      const code = text.charCodeAt(this.at);
      if (code === HASH) {
        const lineEnd = text.indexOf('\n', this.at);
        this.at = lineEnd === -1 ? length : lineEnd;
      } else if (code === QUOTE || code === APOSTROPHE) {
        this.scanString(this.isFormatted(), nesting);
        if (this.failed) return null;
      } else if (inField && open.length === 0 && code === COLON && text.charCodeAt(this.at + 1) !== EQUALS) {
        // The field's format spec (`{value:#x}`, `{value:{width}}`): text, save for nested fields.
        this.at++;
        return this.scanFormatSpec(nesting) ? open : null;
      } else if (code === OPEN_PAREN || code === OPEN_SQUARE || code === OPEN_BRACE) {
        open.push(this.at++);
      } else if (openingFor(code) !== 0) {
        if (open.length === 0) {
          if (inField && code === CLOSE_BRACE) {
            this.at++;
            return open;
          }
          this.failed = true;
          return null;
        }
        if (text.charCodeAt(open[open.length - 1]!) !== openingFor(code)) {
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

  /**
   * Moves the scan to the next character `stops` matches (the regular expression engine skips faster
   * than a loop); false, at the end of the text, when there is none.
   */
  private skipTo(stops: RegExp): boolean {
    stops.lastIndex = this.at;
    if (!stops.test(this.text)) {
      this.at = this.text.length;
      return false;
    }
    this.at = stops.lastIndex - 1;
    return true;
  }

  /** Skips a replacement field's format spec and the brace that closes the field; false when the scan gave up. */
  private scanFormatSpec(nesting: number): boolean {
    const text = this.text;
    while (this.at < text.length) {
      const code = text.charCodeAt(this.at++);
      if (code === CLOSE_BRACE) return true;
      if (code === OPEN_BRACE) {
        if (nesting >= MAX_NESTING) break;
        const open = this.scanCode(true, nesting + 1);
        if (open === null || open.length > 0) break;
      }
    }
    this.failed = true;
    return false;
  }

  /** Whether the quote at the scan position opens an f-string (`f"`, `rf'`, `Fr"""`, …). */
  private isFormatted(): boolean {
    const text = this.text;
    let start = this.at;
    let formatted = false;
    while (start > 0 && start > this.at - 2 && /[rRbBuUfF]/.test(text[start - 1]!)) {
      start--;
      if (text[start] === 'f' || text[start] === 'F') formatted = true;
    }
    // A prefix is a whole word: `if"` is a name followed by a string, not an f-string.
    return formatted && !(start > 0 && /\w/.test(text[start - 1]!));
  }

  /** Skips the string literal starting at the scan position, following an f-string's replacement fields. */
  private scanString(formatted: boolean, nesting: number): void {
    const text = this.text;
    const length = text.length;
    const quote = text.charCodeAt(this.at);
    const triple = text.charCodeAt(this.at + 1) === quote && text.charCodeAt(this.at + 2) === quote;
    this.at += triple ? 3 : 1;
    while (this.at < length) {
      if (!this.skipTo(STRING_STOPS)) return;
      const code = text.charCodeAt(this.at);
      if (code === BACKSLASH) {
        this.at += 2;
      } else if (code === quote && (!triple || (text.charCodeAt(this.at + 1) === quote && text.charCodeAt(this.at + 2) === quote))) {
        this.at += triple ? 3 : 1;
        return;
      } else if (code === NEWLINE && !triple) {
        // Unterminated: the tokenizer reports that on its own; the brackets after it still count.
        return;
      } else if (formatted && code === OPEN_BRACE) {
        if (text.charCodeAt(this.at + 1) === OPEN_BRACE) {
          this.at += 2;
          continue;
        }
        this.at++;
        if (nesting >= MAX_NESTING) {
          this.failed = true;
          return;
        }
        const open = this.scanCode(true, nesting + 1);
        // A field left open runs to the end of the text: its brackets are what is open there.
        if (open === null || (open.length > 0 && this.at >= length)) {
          this.failed = true;
          return;
        }
      } else {
        this.at++;
      }
    }
  }
}
