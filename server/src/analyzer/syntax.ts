import type { Language, Tree } from './parser';
import type { Position, Range } from './model';

/**
 * A compact, plain-JavaScript copy of the parts of the tree-sitter tree the analyzer reads.
 *
 * Reading a tree-sitter node from JavaScript crosses into wasm for every property, which costs about as
 * much as parsing when done for every node of a large file. So the tree is copied once, in a single
 * cursor walk, into these objects, and everything after that (facts, the DAG model) is plain
 * JavaScript. Only named nodes are kept; the anonymous operator tokens the analyzer needs (`>>`, `==`,
 * `not`) are kept in `ops`. Plain string literals are not descended into (their value is read from the
 * text); f-strings keep their interpolations. Comments and syntax errors are collected on the side.
 *
 * Statements are cached by their text: after a keystroke, only the statements whose text changed are
 * copied again, which keeps re-analysis of a 2,000-task file within an editor's latency budget.
 */
export interface Syn {
  type: string;
  /** Offsets in UTF-16 code units into the document text, as tree-sitter reports them for JS strings. */
  start: number;
  end: number;
  children: Syn[];
  /** Anonymous operator and keyword tokens directly under this node, in order (`>>`, `not`, `in`). */
  ops?: string[];
  /** For ERROR nodes: where each of `ops` starts, to point at the unexpected token. */
  opStarts?: number[];
  /**
   * For statements directly in a module or block that parsed without errors: the statement's content
   * key (its type, column and text). Equal keys mean equal subtrees up to an offset shift, which lets
   * later stages reuse what they derived from a statement last time.
   */
  contentKey?: string;
}

export interface RawComment {
  start: number;
  end: number;
}

export interface RawSyntaxError {
  start: number;
  end: number;
  /** `missing` for a token tree-sitter inserted, `unexpected` for text it had to skip. */
  kind: 'missing' | 'unexpected';
  /** The missing node type, or the first unexpected token's type. */
  token: string;
}

export interface LoweredFile {
  root: Syn;
  comments: RawComment[];
  errors: RawSyntaxError[];
}

/** Deeper nesting than this is kept as an opaque leaf, so pathological input cannot exhaust the stack later. */
export const MAX_SYNTAX_DEPTH = 200;
/** Statements longer than this are not cached as a whole (their inner statements still are). */
const MAX_CACHED_STATEMENT_LENGTH = 64 * 1024;
/**
 * The cache keeps the most recently used statements whose keys add up to at most this many characters
 * (several large DAG files), so a file being edited keeps its entries while a workspace index streams
 * other files through the analyzer.
 */
const MAX_CACHE_CHARS = 6 * 1024 * 1024;

interface CacheEntry {
  syn: Syn;
  comments: RawComment[];
  errors: RawSyntaxError[];
}

interface LanguageTables {
  types: string[];
  named: boolean[];
}

const tablesByLanguage = new WeakMap<Language, LanguageTables>();
const statementCache = new Map<string, CacheEntry>();
let statementCacheChars = 0;

/** Empties the statement cache (benchmarks use it to measure cold analyses). */
export function clearStatementCache(): void {
  statementCache.clear();
  statementCacheChars = 0;
}

/** A hit moves the entry to the end of the map's order, which makes the map's start the least recently used. */
function reuseStatement(key: string): CacheEntry | undefined {
  const entry = statementCache.get(key);
  if (entry) {
    statementCache.delete(key);
    statementCache.set(key, entry);
  }
  return entry;
}

/** Leaves share one empty child list; it is never pushed to (a node gets its own list when it has children). */
const NO_CHILDREN: Syn[] = [];

function tablesFor(language: Language): LanguageTables {
  let tables = tablesByLanguage.get(language);
  if (!tables) {
    const types: string[] = [];
    const named: boolean[] = [];
    const count = language.types.length;
    for (let id = 0; id < count; id++) {
      types.push(language.types[id] ?? '');
      named.push(language.nodeTypeIsNamed(id));
    }
    tables = { types, named };
    tablesByLanguage.set(language, tables);
  }
  return tables;
}

/** Node types whose anonymous children the analyzer needs to see. */
const KEEPS_OPERATORS = new Set([
  'binary_operator',
  'boolean_operator',
  'comparison_operator',
  'not_operator',
  'unary_operator',
  'augmented_assignment',
  'import_from_statement',
]);

const STATEMENT_CONTAINERS = new Set(['module', 'block']);
/** Named node types without children: not asking for their children saves a wasm call each. */
const LEAF_TYPES = new Set(['identifier', 'integer', 'float', 'true', 'false', 'none', 'ellipsis', 'keyword_separator', 'positional_separator']);
/** tree-sitter's builtin error symbol (`(TSSymbol)-1`), which is outside the grammar's type table. */
const ERROR_TYPE_ID = 0xffff;
/** When the whole file fails to parse, tree-sitter's root is an ERROR node; its stray non-statement children are the errors. */
const STATEMENT_TYPE = /(_statement|_definition)$/;

function isFString(text: string, start: number): boolean {
  for (let i = start; i < start + 4 && i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x66 || ch === 0x46) return true; // f or F
    if (ch === 0x22 || ch === 0x27) return false; // a quote: the prefix ended
  }
  return false;
}

function shifted(syn: Syn, delta: number, depth = 0): Syn {
  const copy: Syn = { type: syn.type, start: syn.start + delta, end: syn.end + delta, children: NO_CHILDREN };
  if (syn.ops) copy.ops = syn.ops;
  if (syn.opStarts) copy.opStarts = syn.opStarts.map((start) => start + delta);
  if (syn.contentKey) copy.contentKey = syn.contentKey;
  const count = syn.children.length;
  if (depth < MAX_SYNTAX_DEPTH && count > 0) {
    // A plain loop: this runs for every node after an edit, and `map` with a closure allocates more.
    const children = new Array<Syn>(count);
    for (let i = 0; i < count; i++) children[i] = shifted(syn.children[i]!, delta, depth + 1);
    copy.children = children;
  }
  return copy;
}

function rememberStatement(key: string, entry: CacheEntry): void {
  if (statementCache.has(key)) return;
  statementCache.set(key, entry);
  statementCacheChars += key.length;
  for (const oldest of statementCache.keys()) {
    if (statementCacheChars <= MAX_CACHE_CHARS) break;
    statementCache.delete(oldest);
    statementCacheChars -= oldest.length;
  }
}

interface Frame {
  syn: Syn;
  entry: CacheEntry | null;
  key: string | null;
  inErrorNode: boolean;
  inString: boolean;
}

/** Copies `tree` into plain objects (see {@link Syn}), reusing statements whose text is unchanged. */
export function lowerTree(tree: Tree, text: string): LoweredFile {
  const { types, named } = tablesFor(tree.language);
  const comments: RawComment[] = [];
  const errors: RawSyntaxError[] = [];
  const root: Syn = { type: 'module', start: 0, end: text.length, children: [] };
  const cursor = tree.walk();
  const rootIsError = tree.rootNode.type === 'ERROR';
  // Missing tokens only exist in trees with errors; skipping the check saves a wasm call per token.
  const mayHaveMissing = tree.rootNode.hasError;
  const frames: Frame[] = [{ syn: root, entry: null, key: null, inErrorNode: false, inString: false }];
  const openEntries: CacheEntry[] = [];

  const addComment = (comment: RawComment) => {
    comments.push(comment);
    for (const entry of openEntries) entry.comments.push(comment);
  };
  const addError = (error: RawSyntaxError) => {
    errors.push(error);
    for (const entry of openEntries) entry.errors.push(error);
  };

  try {
    if (!cursor.gotoFirstChild()) return { root, comments, errors };
    for (;;) {
      const parent = frames[frames.length - 1]!;
      const typeId = cursor.nodeTypeId;
      const isErrorNode = typeId === ERROR_TYPE_ID;
      const type = isErrorNode ? 'ERROR' : types[typeId] ?? '';
      let descend = false;
      if (!isErrorNode && !named[typeId]) {
        if (parent.inErrorNode) {
          (parent.syn.ops ??= []).push(type);
          (parent.syn.opStarts ??= []).push(cursor.startIndex);
        } else if (KEEPS_OPERATORS.has(parent.syn.type)) {
          (parent.syn.ops ??= []).push(type);
        }
        if (mayHaveMissing && cursor.nodeIsMissing) {
          const at = cursor.startIndex;
          addError({ start: at, end: at, kind: 'missing', token: type });
        } else if (rootIsError && frames.length === 1) {
          addError({ start: cursor.startIndex, end: cursor.endIndex, kind: 'unexpected', token: type });
        }
      } else if (type === 'comment') {
        addComment({ start: cursor.startIndex, end: cursor.endIndex });
      } else if (parent.inString && type !== 'interpolation') {
        // String pieces: the value is read from the text.
      } else {
        const start = cursor.startIndex;
        const end = cursor.endIndex;
        if (start === end && cursor.nodeIsMissing) {
          addError({ start, end, kind: 'missing', token: type });
        } else {
          let reused = false;
          let key: string | null = null;
          // Error recovery depends on the surroundings, so statements with errors are neither reused nor kept;
          // the column is part of the key because indentation decides how nested lines parse.
          if (STATEMENT_CONTAINERS.has(parent.syn.type) && type !== 'ERROR' && end - start <= MAX_CACHED_STATEMENT_LENGTH
            && !(mayHaveMissing && cursor.currentNode.hasError)) {
            key = `${type}\u0000${start - text.lastIndexOf('\n', start - 1) - 1}\u0000${text.slice(start, end)}`;
            const hit = reuseStatement(key);
            if (hit) {
              const delta = start - hit.syn.start;
              if (parent.syn.children === NO_CHILDREN) parent.syn.children = [];
              parent.syn.children.push(delta === 0 ? hit.syn : shifted(hit.syn, delta));
              for (const comment of hit.comments) addComment(delta === 0 ? comment : { start: comment.start + delta, end: comment.end + delta });
              for (const error of hit.errors) addError(delta === 0 ? error : { ...error, start: error.start + delta, end: error.end + delta });
              reused = true;
            }
          }
          if (!reused) {
            const syn: Syn = { type, start, end, children: NO_CHILDREN };
            if (key) syn.contentKey = key;
            if (parent.syn.children === NO_CHILDREN) parent.syn.children = [];
            parent.syn.children.push(syn);
            const isError = type === 'ERROR';
            const isPlainString = type === 'string' && !isFString(text, start);
            if (isError) {
              addError({ start, end, kind: 'unexpected', token: '' });
            } else if (rootIsError && frames.length === 1 && !STATEMENT_TYPE.test(type)) {
              addError({ start, end, kind: 'unexpected', token: firstWord(text.slice(start, Math.min(end, start + 40))) });
            }
            if (!isPlainString && !LEAF_TYPES.has(type) && frames.length < MAX_SYNTAX_DEPTH && cursor.gotoFirstChild()) {
              const entry: CacheEntry | null = key ? { syn, comments: [], errors: [] } : null;
              if (entry) openEntries.push(entry);
              frames.push({ syn, entry, key, inErrorNode: isError, inString: type === 'string' });
              descend = true;
            } else if (key) {
              rememberStatement(key, { syn, comments: [], errors: isError ? [errors[errors.length - 1]!] : [] });
            }
          }
        }
      }
      if (descend) continue;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent() || frames.length <= 1) return { root, comments, errors };
        const done = frames.pop()!;
        if (done.inErrorNode) nameUnexpectedToken(done.syn, errors, text);
        if (done.entry && done.key) {
          openEntries.pop();
          rememberStatement(done.key, done.entry);
        }
      }
    }
  } finally {
    cursor.delete();
  }
}

const COMPOUND_KEYWORDS = new Set(['with', 'if', 'elif', 'else', 'for', 'while', 'def', 'class', 'try', 'except', 'finally', 'async']);
const CLOSING_BRACKETS = new Set([')', ']', '}']);
const OPENING_BRACKETS = new Set(['(', '[', '{']);
const CLOSING_FOR: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/**
 * Names what went wrong in an ERROR node: a compound statement whose header lacks its colon becomes
 * "missing ':'", a stray closing bracket "unexpected ')'", anything else the first token skipped.
 */
function nameUnexpectedToken(errorNode: Syn, errors: RawSyntaxError[], text: string): void {
  for (let i = errors.length - 1; i >= 0; i--) {
    const error = errors[i]!;
    if (error.kind !== 'unexpected' || error.start !== errorNode.start || error.end !== errorNode.end) continue;
    if (error.token) return;
    const ops = errorNode.ops ?? [];
    const starts = errorNode.opStarts ?? [];
    const lineEnd = text.indexOf('\n', errorNode.start);
    const firstLine = text.slice(errorNode.start, lineEnd === -1 || lineEnd > errorNode.end ? errorNode.end : lineEnd).replace(/#.*$/, '').trimEnd();
    if (ops[0] && COMPOUND_KEYWORDS.has(ops[0]) && starts[0] === errorNode.start && !firstLine.endsWith(':')) {
      error.kind = 'missing';
      error.token = ':';
      error.start = error.end = errorNode.start + firstLine.length;
      return;
    }
    const open: number[] = [];
    for (let j = 0; j < ops.length; j++) {
      if (OPENING_BRACKETS.has(ops[j]!)) open.push(j);
      else if (CLOSING_BRACKETS.has(ops[j]!) && open.length) open.pop();
    }
    const unclosed = open.pop();
    if (unclosed !== undefined) {
      error.kind = 'missing';
      error.token = CLOSING_FOR[ops[unclosed]!]!;
      error.start = error.end = errorNode.start + text.slice(errorNode.start, errorNode.end).trimEnd().length;
      return;
    }
    for (let j = ops.length - 1; j >= 0; j--) {
      if (CLOSING_BRACKETS.has(ops[j]!)) {
        error.token = ops[j]!;
        error.start = starts[j]!;
        error.end = error.start + 1;
        return;
      }
    }
    error.token = ops[0] ?? firstWord(text.slice(errorNode.start, Math.min(errorNode.end, errorNode.start + 40)));
    return;
  }
}

function firstWord(snippet: string): string {
  const match = /^\s*([A-Za-z_][A-Za-z0-9_]*|\S)/.exec(snippet);
  return match ? match[1]! : snippet.trim();
}

/** Converts offsets to LSP positions. Lines end at `\n`, as tree-sitter counts them. */
export class LineIndex {
  private readonly lineStarts: number[] = [0];
  readonly length: number;

  constructor(text: string) {
    this.length = text.length;
    let at = text.indexOf('\n');
    while (at !== -1) {
      this.lineStarts.push(at + 1);
      at = text.indexOf('\n', at + 1);
    }
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** The line found last: consecutive lookups are usually on the same line, which skips the search. */
  private lastLine = 0;

  position(offset: number): Position {
    const clamped = offset < 0 ? 0 : offset > this.length ? this.length : offset;
    const starts = this.lineStarts;
    const last = this.lastLine;
    if (starts[last]! <= clamped && (last + 1 === starts.length || starts[last + 1]! > clamped)) {
      return { line: last, character: clamped - starts[last]! };
    }
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid]! <= clamped) low = mid;
      else high = mid - 1;
    }
    this.lastLine = low;
    return { line: low, character: clamped - this.lineStarts[low]! };
  }

  range(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(end < start ? start : end) };
  }

  of(node: { start: number; end: number }): Range {
    return this.range(node.start, node.end);
  }
}
