import type { ExprValue, Position, Range } from '../analyzer/model';
import { ContentCache } from './contentCache';
import { LineIndex } from './textPositions';

/**
 * Python string literals as the template engine sees them: the decoded value, plus the way back from
 * every character of that value to where it is written in the document.
 *
 * Jinja works on the value Python hands to Airflow, so escapes are decoded (`\n`, `\x41`, `\'`),
 * prefixes honoured (`r` keeps backslashes, `b`/`u` change nothing here), triple quotes and implicit
 * concatenation (`"a" "b"`, possibly over several lines in parentheses) joined. Each decoded character
 * remembers the offset of the source text that produced it, so a finding at value offset 12 lands on the
 * right line and column even after `\t` or a line break between two concatenated parts.
 */
export interface DecodedString {
  /** The string's value, as Python computes it. */
  value: string;
  /** True when some part is an f-string: there `{{` is an escaped brace and the value is only known at run time. */
  formatted: boolean;
  /** Maps an offset into `value` (0..value.length) to its document position. */
  positionAt(valueOffset: number): Position;
  /** Maps a value range to a document range. */
  rangeOf(valueStart: number, valueEnd: number): Range;
  /** The inverse: the value offset written at a document position, or null when the position is outside the string's content. */
  valueOffsetAt(position: Position): number | null;
}

interface Piece {
  /** Source offsets (into the literal's text) of each decoded character, plus one past the end. */
  sourceOffsets: number[];
  value: string;
  formatted: boolean;
  /** Source offsets of the content (between the quotes). */
  contentStart: number;
  contentEnd: number;
}

const PREFIX = /^[rRbBuUfF]{0,2}/;

/** What decoding a literal's source gives, independent of where the literal is written. */
interface DecodedSource {
  value: string;
  formatted: boolean;
  pieces: Piece[];
  /** Source offset of each decoded character, plus one past the end. */
  offsets: number[];
  source: string;
  /** Lines of the source, indexed when a position is first asked for (most literals are never reported on). */
  lines?: LineIndex;
}

function sourceLines(decoded: DecodedSource): LineIndex {
  return (decoded.lines ??= new LineIndex(decoded.source));
}

/** Decoded sources by their text: a keystroke leaves nearly all literals of a file as they were. */
const decodedSources = new ContentCache<DecodedSource | null>(20_000);

/**
 * Decodes the literal written in `source`, which starts at document position `start`.
 * Returns null when `source` is not made only of string literals (with the whitespace, comments,
 * parentheses and line continuations that may sit between the parts of an implicit concatenation).
 */
export function decodeStringLiteral(source: string, start: Position): DecodedString | null {
  const decoded = decodedSources.get(source, decodeSource);
  return decoded ? new DecodedLiteral(decoded, start) : null;
}

/** A decoded source placed at its document position: one object per literal, the decoding itself shared. */
class DecodedLiteral implements DecodedString {
  constructor(private readonly decoded: DecodedSource, private readonly start: Position) {}

  get value(): string {
    return this.decoded.value;
  }

  get formatted(): boolean {
    return this.decoded.formatted;
  }

  positionAt(valueOffset: number): Position {
    return this.toDocument(this.decoded.offsets[this.clampValue(valueOffset)]!);
  }

  rangeOf(valueStart: number, valueEnd: number): Range {
    const { pieces, offsets } = this.decoded;
    const startOffset = offsets[this.clampValue(valueStart)]!;
    // The end of a range is the end of the last character's source, so an escape like `\n` is covered whole.
    const endValue = this.clampValue(valueEnd);
    const endOffset = endValue > 0 && endValue > valueStart ? sourceEndOf(pieces, offsets, endValue - 1) : offsets[endValue]!;
    return { start: this.toDocument(startOffset), end: this.toDocument(endOffset) };
  }

  valueOffsetAt(position: Position): number | null {
    const { start } = this;
    const local = position.line === start.line
      ? { line: 0, character: position.character - start.character }
      : { line: position.line - start.line, character: position.character };
    if (local.line < 0 || local.character < 0) return null;
    const sourceOffset = sourceLines(this.decoded).offsetAt(local);
    let pieceStart = 0;
    for (const piece of this.decoded.pieces) {
      if (sourceOffset >= piece.contentStart && sourceOffset <= piece.contentEnd) {
        // The first decoded character whose source starts at or after the position.
        for (let i = 0; i <= piece.value.length; i++) {
          if (piece.sourceOffsets[i]! >= sourceOffset) return pieceStart + i;
        }
        return pieceStart + piece.value.length;
      }
      pieceStart += piece.value.length;
    }
    return null;
  }

  private toDocument(sourceOffset: number): Position {
    const local = sourceLines(this.decoded).positionAt(sourceOffset);
    return local.line === 0
      ? { line: this.start.line, character: this.start.character + local.character }
      : { line: this.start.line + local.line, character: local.character };
  }

  private clampValue(offset: number): number {
    return Math.max(0, Math.min(offset, this.decoded.value.length));
  }
}

function decodeSource(source: string): DecodedSource | null {
  const pieces: Piece[] = [];
  let index = 0;
  let depth = 0;
  while (index < source.length) {
    const char = source[index]!;
    if (char === ' ' || char === '\t' || char === '\n' || char === '\r' || char === '\f') {
      index++;
    } else if (char === '\\' && (source[index + 1] === '\n' || source[index + 1] === '\r')) {
      index += 2;
    } else if (char === '#') {
      while (index < source.length && source[index] !== '\n' && source[index] !== '\r') index++;
    } else if (char === '(') {
      depth++;
      index++;
    } else if (char === ')') {
      if (depth === 0) return null;
      depth--;
      index++;
    } else {
      const piece = readPiece(source, index);
      if (!piece) return null;
      pieces.push(piece.piece);
      index = piece.end;
    }
  }
  if (pieces.length === 0 || depth !== 0) return null;

  let value = '';
  const offsets: number[] = [];
  for (const piece of pieces) {
    value += piece.value;
    for (let i = 0; i < piece.value.length; i++) offsets.push(piece.sourceOffsets[i]!);
  }
  const last = pieces[pieces.length - 1]!;
  offsets.push(last.sourceOffsets[last.value.length]!);
  return { value, formatted: pieces.some((piece) => piece.formatted), pieces, offsets, source };
}

/** The source offset just past the source of decoded character `valueIndex`. */
function sourceEndOf(pieces: Piece[], offsets: number[], valueIndex: number): number {
  let pieceStart = 0;
  for (const piece of pieces) {
    if (valueIndex < pieceStart + piece.value.length) return piece.sourceOffsets[valueIndex - pieceStart + 1]!;
    pieceStart += piece.value.length;
  }
  return offsets[offsets.length - 1]!;
}

function readPiece(source: string, at: number): { piece: Piece; end: number } | null {
  const prefix = PREFIX.exec(source.slice(at, at + 2))![0];
  let index = at + prefix.length;
  const quoteChar = source[index];
  if (quoteChar !== '"' && quoteChar !== "'") return null;
  const lowerPrefix = prefix.toLowerCase();
  if (lowerPrefix.length === 2 && !['rb', 'br', 'rf', 'fr'].includes(lowerPrefix)) return null;
  const raw = lowerPrefix.includes('r');
  const formatted = lowerPrefix.includes('f');
  const triple = source.startsWith(quoteChar.repeat(3), index);
  const quote = triple ? quoteChar.repeat(3) : quoteChar;
  index += quote.length;
  const contentStart = index;
  let value = '';
  const sourceOffsets: number[] = [];
  const push = (text: string, sourceOffset: number) => {
    for (let i = 0; i < text.length; i++) sourceOffsets.push(sourceOffset);
    value += text;
  };
  while (index < source.length) {
    if (source.startsWith(quote, index)) {
      sourceOffsets.push(index);
      return { piece: { sourceOffsets, value, formatted, contentStart, contentEnd: index }, end: index + quote.length };
    }
    const char = source[index]!;
    if (!triple && (char === '\n' || char === '\r')) return null;
    if (char === '\\') {
      const escape = raw ? null : decodeEscape(source, index);
      if (escape) {
        push(escape.text, index);
        index = escape.end;
      } else {
        // Raw strings keep the backslash and the character after it (which cannot end the string).
        push(char, index);
        index++;
        if (index < source.length) {
          push(source[index]!, index);
          index++;
        }
      }
      continue;
    }
    push(char, index);
    index++;
  }
  return null;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
};

/** Decodes the escape starting at the backslash at `at`; unknown escapes keep their backslash, as Python does. */
function decodeEscape(source: string, at: number): { text: string; end: number } | null {
  const next = source[at + 1];
  if (next === undefined) return null;
  if (next === '\n') return { text: '', end: at + 2 };
  if (next === '\r') return { text: '', end: source[at + 2] === '\n' ? at + 3 : at + 2 };
  if (next in SIMPLE_ESCAPES) return { text: SIMPLE_ESCAPES[next]!, end: at + 2 };
  const hexLength = next === 'x' ? 2 : next === 'u' ? 4 : next === 'U' ? 8 : 0;
  if (hexLength > 0) {
    const digits = source.slice(at + 2, at + 2 + hexLength);
    if (digits.length === hexLength && /^[0-9a-fA-F]+$/.test(digits)) {
      const code = Number.parseInt(digits, 16);
      return { text: code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd', end: at + 2 + hexLength };
    }
    return null;
  }
  if (next >= '0' && next <= '7') {
    const digits = /^[0-7]{1,3}/.exec(source.slice(at + 1, at + 4))![0];
    return { text: String.fromCharCode(Number.parseInt(digits, 8)), end: at + 1 + digits.length };
  }
  if (next === 'N' && source[at + 2] === '{') {
    const close = source.indexOf('}', at + 3);
    // The character's name is not worth a Unicode table here; one placeholder keeps offsets honest.
    if (close > 0) return { text: '\ufffd', end: close + 1 };
  }
  return null;
}

/**
 * The literal source behind an argument value: the expression itself when it is a string, or the
 * module-level constant a name was followed to (`SQL = "..."` then `sql=SQL`). Null for anything else.
 */
export function stringLiteralOf(value: ExprValue, documentLines: LineIndex | null): DecodedString | null {
  if (value.kind === 'string' || value.kind === 'fstring') {
    return decodeStringLiteral(value.text, value.range.start);
  }
  if (value.resolvedFrom && typeof value.value === 'string' && documentLines) {
    const source = documentLines.slice(value.resolvedFrom);
    return decodeStringLiteral(source, value.resolvedFrom.start);
  }
  return null;
}
