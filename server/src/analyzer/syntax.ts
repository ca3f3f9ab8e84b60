import type { Language, Tree } from './parser';
import { detached } from './detached';
import { walkTree } from './treeWalk';
import { CompactRange } from './compactRange';
import type { KeywordArgument, Position, Range } from './model';

/**
 * Keyword arguments read from an argument list, with what they depend on besides its text: the line
 * it starts on (their ranges) and the reader context (imports and constants they resolve through).
 */
export interface KeywordMemo {
  keywords: Record<string, KeywordArgument>;
  line: number;
  context: string;
}

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
 * copied again, and those that merely moved are shifted, which keeps re-analysis of a 2,000-task file
 * within an editor's latency budget.
 *
 * Nodes are plain object literals made in one place ({@link newSyn}), not class instances: the engine
 * learns that the objects made at an object literal live long and then allocates them straight in the
 * old generation (once it has seen a full-size young generation: the language server's is from the
 * start), while class instances always start young. A first analysis keeps nearly every node, so as
 * instances each was copied twice by the young-generation collector: in the server, half of what a
 * first analysis spent collecting garbage.
 */
export interface Syn {
  type: string;
  /** Offset in UTF-16 code units into the document text, as tree-sitter reports them for JS strings. */
  start: number;
  end: number;
  children: Syn[];
  /** Anonymous operator and keyword tokens directly under this node, in order (`>>`, `not`, `in`). */
  ops: string[] | undefined;
  /**
   * For statements directly in a module or block that parsed without errors: the statement's content
   * key (its type, column and text). Equal keys mean equal subtrees up to an offset shift, which lets
   * later stages reuse what they derived from a statement last time.
   */
  contentKey: string | undefined;
  /** Statement cache bookkeeping: the lowering that last placed this statement copy in its tree. */
  placedIn: number;
  /**
   * What one kind of node alone has (see {@link opStartsOf}, {@link layoutOf}, {@link keywordMemoOf},
   * {@link ownNodesOf}): one field instead of four on every node. A 2,000-task file has 39,000 nodes,
   * all kept as long as the statement cache keeps them.
   */
  typeSpecific: number[] | KeywordMemo | Syn[] | undefined;
}

/**
 * A new node. Every node is made here, so they all come from one object literal: one shape for the
 * analyzer's hottest loops, and one allocation site for the engine to learn they live long.
 */
function newSyn(type: string, start: number, end: number, children: Syn[]): Syn {
  return { type, start, end, children, ops: undefined, contentKey: undefined, placedIn: 0, typeSpecific: undefined };
}

/**
 * For ERROR nodes: where each of `ops` starts (document offsets: statements with errors are never
 * cached, so they never move).
 */
function opStartsOf(syn: Syn): number[] | undefined {
  return syn.type === 'ERROR' ? (syn.typeSpecific as number[] | undefined) : undefined;
}

/**
 * Statement cache bookkeeping, for blocks inside cached statements: where each child starts, relative
 * to the block. A statement copy nested in the block may have been moved elsewhere since; this says
 * where it belongs here.
 */
function layoutOf(syn: Syn): number[] | undefined {
  return syn.type === 'block' ? (syn.typeSpecific as number[] | undefined) : undefined;
}

/** For argument lists: the keyword arguments read last time, kept with the node (see `ExpressionReader.keywords`). */
export function keywordMemoOf(argumentList: Syn): KeywordMemo | undefined {
  return argumentList.type === 'argument_list' ? (argumentList.typeSpecific as KeywordMemo | undefined) : undefined;
}

export function setKeywordMemo(argumentList: Syn, memo: KeywordMemo): void {
  if (argumentList.type === 'argument_list') argumentList.typeSpecific = memo;
}

/**
 * Statement cache bookkeeping, for statements: the nodes under the statement that belong to it (not to a
 * statement nested in it), listed the first time the statement moves, so that moving it is one loop.
 */
function ownNodesOf(statement: Syn): Syn[] | undefined {
  return statement.contentKey !== undefined ? (statement.typeSpecific as Syn[] | undefined) : undefined;
}

/** A copy of `syn` alone (no children yet), `delta` further into the document. */
function shiftedCopy(syn: Syn, delta: number): Syn {
  const copy = newSyn(syn.type, syn.start + delta, syn.end + delta, NO_CHILDREN);
  copy.ops = syn.ops;
  copy.contentKey = syn.contentKey;
  // Error starts and block layouts go with the copy; the keyword memo is read afresh for it, and a
  // statement's own nodes are the copy's own.
  if (syn.type !== 'argument_list' && syn.contentKey === undefined) copy.typeSpecific = syn.typeSpecific;
  return copy;
}

/** The same node (sharing its children) starting at `start` instead: a definition with its decorators. */
export function startingAt(syn: Syn, start: number): Syn {
  const copy = shiftedCopy(syn, 0);
  copy.children = syn.children;
  copy.start = start;
  return copy;
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
  /**
   * How many statements were reused from an earlier lowering: 0 for a file seen for the first time (whose
   * repeated statements may still share copies made in this one).
   */
  reusedStatements: number;
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

/**
 * A cached statement. Its copies are recycled: each copy appears at most once in a lowered tree, and
 * when the statement moved (text was inserted or deleted before it) a copy's nodes are shifted instead
 * of copying the subtree again. The same line of code repeated in a file (`a >> b` in
 * every TaskGroup) gets one copy per occurrence.
 */
interface CacheEntry {
  /** The statement's content key (see `Syn.contentKey`); the cache itself is keyed by its text. */
  key: string;
  type: string;
  column: number;
  /** Another statement with the same text but another type or column (rare: the cache is keyed by text). */
  otherVariant: CacheEntry | null;
  copies: Syn[];
  /** The lowering that last placed copies of this statement, which also tells how recently it was used. */
  lowering: number;
  /** The first copy that lowering has not placed yet. */
  nextCopy: number;
  /** Comments inside the statement, as offsets from its start. */
  comments: RawComment[];
}

/** Copies kept per statement text; further occurrences in one file are copied afresh each time. */
const MAX_COPIES = 1024;

interface LanguageTables {
  types: string[];
  named: boolean[];
  /** What the copy does with each node type (`TypeFlag` bits), looked up by type id rather than by name. */
  flags: Uint8Array;
}

/** How the copy treats a node type. */
const enum TypeFlag {
  RangeFromChildren = 1,
  KeepsOperators = 2,
  Leaf = 4,
  HoldsStatements = 8,
}

const tablesByLanguage = new WeakMap<Language, LanguageTables>();
const statementCache = new Map<string, CacheEntry>();
let statementCacheChars = 0;
/** Counts `lowerTree` calls, so each lowering can tell the statement copies it already placed. */
let loweringCount = 0;

/** Empties the statement cache (benchmarks use it to measure cold analyses). */
export function clearStatementCache(): void {
  statementCache.clear();
  statementCacheChars = 0;
}

/** Leaves share one empty child list; it is never pushed to (a node gets its own list when it has children). */
const NO_CHILDREN: Syn[] = [];

/**
 * The engine's own copy of `name`, the one its string literals use. The grammar's type names come out of
 * wasm as strings the engine only points at its copy through, so every `type === 'call'` in the analyzer
 * would compare characters instead of pointers.
 */
function internalized(name: string): string {
  return Object.keys({ [name]: 0 })[0] ?? name;
}

function tablesFor(language: Language): LanguageTables {
  let tables = tablesByLanguage.get(language);
  if (!tables) {
    const types: string[] = [];
    const named: boolean[] = [];
    const count = language.types.length;
    const flags = new Uint8Array(count);
    for (let id = 0; id < count; id++) {
      const type = internalized(language.types[id] ?? '');
      types.push(type);
      named.push(language.nodeTypeIsNamed(id));
      flags[id] = (RANGE_FROM_CHILDREN.has(type) ? TypeFlag.RangeFromChildren : 0) | (KEEPS_OPERATORS.has(type) ? TypeFlag.KeepsOperators : 0)
        | (LEAF_TYPES.has(type) ? TypeFlag.Leaf : 0) | (STATEMENT_CONTAINERS.has(type) ? TypeFlag.HoldsStatements : 0);
    }
    tables = { types, named, flags };
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
/**
 * Expression-level nodes made of visible children only, so their range is exactly from their first
 * child's start to their last child's end. (Some nodes end in hidden tokens — a format specifier's text,
 * a block's closing newline — and must be asked.)
 */
const RANGE_FROM_CHILDREN = new Set([
  'call', 'argument_list', 'keyword_argument', 'assignment', 'augmented_assignment', 'attribute', 'subscript',
  'binary_operator', 'boolean_operator', 'comparison_operator', 'not_operator', 'unary_operator',
  'conditional_expression', 'parenthesized_expression', 'pair', 'dictionary', 'list', 'tuple', 'set',
  'list_splat', 'dictionary_splat', 'list_comprehension', 'set_comprehension', 'dictionary_comprehension',
  'generator_expression', 'for_in_clause', 'if_clause', 'with_clause', 'with_item', 'as_pattern',
  'expression_list', 'pattern_list', 'decorator', 'parameters', 'default_parameter', 'typed_parameter',
  'typed_default_parameter', 'slice',
]);
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

/**
 * A deep copy of the cached statement `statement` placed at `start` (nested statements are copied too;
 * they belong to the copy).
 */
function copyStatement(statement: Syn, start: number, depth = 0): Syn {
  return copyNodes(statement, start - statement.start, depth);
}

function copyNodes(syn: Syn, delta: number, depth: number): Syn {
  const copy = shiftedCopy(syn, delta);
  const from = syn.children;
  if (depth < MAX_SYNTAX_DEPTH && from.length > 0) {
    const layout = layoutOf(syn);
    const at = copy.start;
    const next = depth + 1;
    // Array literals for the common lengths (see `smallArray`).
    switch (from.length) {
      case 1: copy.children = [copyChild(from, 0, layout, at, delta, next)]; break;
      case 2: copy.children = [copyChild(from, 0, layout, at, delta, next), copyChild(from, 1, layout, at, delta, next)]; break;
      case 3: copy.children = [copyChild(from, 0, layout, at, delta, next), copyChild(from, 1, layout, at, delta, next), copyChild(from, 2, layout, at, delta, next)]; break;
      default: copy.children = from.map((_, i) => copyChild(from, i, layout, at, delta, next));
    }
  }
  return copy;
}

function copyChild(children: Syn[], i: number, layout: number[] | undefined, parentStart: number, delta: number, depth: number): Syn {
  const child = children[i]!;
  // A nested statement copy may sit elsewhere by now: its place comes from the block's layout.
  return child.contentKey !== undefined && layout
    ? copyStatement(child, parentStart + layout[i]!, depth)
    : copyNodes(child, delta, depth);
}

/**
 * `items[from..]` as a new array. Most nodes have one to three children; arrays of these lengths are
 * made by array literals, which the engine allocates straight in the old generation once it sees that
 * they live long (as for {@link newSyn}), where `slice` always allocates young.
 */
function smallArray<T>(items: T[], from: number): T[] {
  switch (items.length - from) {
    case 1: return [items[from]!];
    case 2: return [items[from]!, items[from + 1]!];
    case 3: return [items[from]!, items[from + 1]!, items[from + 2]!];
    default: return items.slice(from);
  }
}

/**
 * Moves the cached statement `statement` to `start`: shifts its own nodes, and puts each nested
 * statement copy where its block's layout says, copying it instead when this lowering already placed it
 * elsewhere.
 */
function moveStatement(statement: Syn, start: number, lowering: number, depth = 0): boolean {
  const delta = start - statement.start;
  if (delta !== 0) {
    statement.start += delta;
    statement.end += delta;
    // Listed the first time the statement moves (a first analysis moves none).
    let ownNodes = ownNodesOf(statement);
    if (ownNodes === undefined) {
      ownNodes = [];
      collectOwnNodes(statement, ownNodes, depth);
      statement.typeSpecific = ownNodes;
    }
    for (let i = 0; i < ownNodes.length; i++) {
      const node = ownNodes[i]!;
      node.start += delta;
      node.end += delta;
    }
  }
  return placeNestedStatements(statement, lowering, depth);
}

/** Adds the nodes under `syn` to `ownNodes`, except nested statement copies and the nodes under them. */
function collectOwnNodes(syn: Syn, ownNodes: Syn[], depth: number): void {
  if (depth >= MAX_SYNTAX_DEPTH) return;
  const layout = layoutOf(syn);
  for (const child of syn.children) {
    if (layout && child.contentKey !== undefined) continue;
    ownNodes.push(child);
    if (child.children.length > 0) collectOwnNodes(child, ownNodes, depth + 1);
  }
}

/** Returns whether a nested statement copy had to be replaced somewhere inside `syn` (see {@link replacementsIn}). */
function placeNestedStatements(syn: Syn, lowering: number, depth: number): boolean {
  if (depth >= MAX_SYNTAX_DEPTH) return false;
  const layout = layoutOf(syn);
  const children = syn.children;
  let replaced = false;
  for (let i = 0; i < children.length; i++) {
    const child = children[i]!;
    if (layout && child.contentKey !== undefined) {
      const childStart = syn.start + layout[i]!;
      if (child.placedIn === lowering) {
        children[i] = copyStatement(child, childStart, depth + 1);
        replaced = true;
      } else if (moveStatement(child, childStart, lowering, depth + 1)) {
        replaced = true;
      }
      children[i]!.placedIn = lowering;
    } else if (child.children.length > 0 && holdsBlocks(child.type)) {
      if (placeNestedStatements(child, lowering, depth + 1)) replaced = true;
    }
  }
  if (replaced) replacements.set(syn, (replacements.get(syn) ?? 0) + 1);
  return replaced;
}

/** Counts, per node of a reused statement, the times a node inside it was replaced (see {@link replacementsIn}). */
const replacements = new WeakMap<Syn, number>();

/**
 * How often nodes inside `syn` were replaced by new copies since it was made. A reused statement
 * usually keeps every node inside it; but when a changed statement earlier in the file takes one of
 * its nested statement copies, it gets a new copy of that statement instead. Whatever a later stage
 * keeps with `syn` that refers to nodes inside it holds only while this number is unchanged.
 */
export function replacementsIn(syn: Syn): number {
  return replacements.get(syn) ?? 0;
}

/** A copy of the cached statement placed at `start` in the tree this lowering builds. */
function placeStatement(entry: CacheEntry, start: number, lowering: number): Syn {
  // Occurrences come in document order, so copy i usually already sits where occurrence i is.
  if (entry.lowering !== lowering) {
    entry.lowering = lowering;
    entry.nextCopy = 0;
  }
  for (let i = entry.nextCopy; i < entry.copies.length; i++) {
    const copy = entry.copies[i]!;
    if (copy.placedIn === lowering) continue;
    entry.nextCopy = i + 1;
    moveStatement(copy, start, lowering);
    copy.placedIn = lowering;
    return copy;
  }
  entry.nextCopy = entry.copies.length;
  const source = entry.copies[0]!;
  const copy = copyStatement(source, start);
  copy.placedIn = lowering;
  if (entry.copies.length < MAX_COPIES) {
    entry.copies.push(copy);
    entry.nextCopy = entry.copies.length;
  }
  return copy;
}

function newEntry(syn: Syn, key: string, type: string, column: number, lowering: number): CacheEntry {
  return { key, type, column, otherVariant: null, copies: [syn], comments: [], lowering, nextCopy: 1 };
}

/**
 * The cached statement with this text, type and column. The text is looked up as a slice of the
 * document: hashing a slice reads its characters in place, where a key built by concatenation would
 * first be copied, for every statement of the file on every keystroke.
 */
function cachedStatement(text: string, type: string, column: number): CacheEntry | undefined {
  let entry = statementCache.get(text);
  while (entry !== undefined && (entry.type !== type || entry.column !== column)) entry = entry.otherVariant ?? undefined;
  return entry;
}

/** The statement text of a content key (after its type and column). */
function textOfKey(key: string): string {
  return key.slice(key.indexOf('\u0000', key.indexOf('\u0000') + 1) + 1);
}

/** Remembers where the statements of a block inside a cached statement start, relative to the block. */
function recordLayout(block: Syn): void {
  if (!block.children.some((child) => child.contentKey !== undefined)) return;
  block.typeSpecific = block.children.map((child) => child.start - block.start);
}

/** Node types that can hold blocks (and so nested statement copies) somewhere below them. */
const HOLDS_BLOCKS = /_statement$|_clause$|_definition$|^block$/;
const holdsBlocksByType = new Map<string, boolean>();

function holdsBlocks(type: string): boolean {
  let holds = holdsBlocksByType.get(type);
  if (holds === undefined) {
    holds = HOLDS_BLOCKS.test(type);
    holdsBlocksByType.set(type, holds);
  }
  return holds;
}

function rememberStatement(entry: CacheEntry): void {
  const text = textOfKey(entry.key);
  const existing = cachedStatement(text, entry.type, entry.column);
  if (existing) {
    if (existing.copies.length < MAX_COPIES) existing.copies.push(...entry.copies);
    return;
  }
  // The text of the key is the statement's own copy (see `lowerTree`), never a slice of the document.
  entry.otherVariant = statementCache.get(text) ?? null;
  statementCache.set(text, entry);
  statementCacheChars += text.length;
  if (statementCacheChars > MAX_CACHE_CHARS) evictLeastRecentlyUsed();
}

/**
 * Drops the statements least recently placed until the cache is at three quarters of its size: in
 * one go, so that a full cache costs one sort now and then rather than bookkeeping on every hit.
 */
function evictLeastRecentlyUsed(): void {
  const byAge = [...statementCache].sort(([, a], [, b]) => a.lowering - b.lowering);
  for (const [text, entry] of byAge) {
    if (statementCacheChars <= MAX_CACHE_CHARS * 0.75) break;
    statementCache.delete(text);
    for (let variant: CacheEntry | null = entry; variant; variant = variant.otherVariant) statementCacheChars -= text.length;
  }
}

/** A statement being copied for the first time, to be cached once its subtree is complete. */
interface OpenStatement {
  entry: CacheEntry;
  start: number;
  /** Set when an error turns up inside: such statements are not cached. */
  hasError: boolean;
}

interface Frame {
  syn: Syn;
  /** Where the node's children start in the pending children. */
  firstChild: number;
  /** The `TypeFlag`s of the node's type. */
  flags: number;
  statement: OpenStatement | null;
  inErrorNode: boolean;
  inString: boolean;
  /** For inner nodes whose range comes from their children: the start, the end are still to be filled in. */
  startPending: boolean;
  endPending: boolean;
  /** Where the child seen last ends, when known without asking the tree; -1 otherwise. */
  lastChildEnd: number;
}

/**
 * Copies `tree` into plain objects (see {@link Syn}), reusing statements whose text is unchanged
 * (unless `useCache` is false, which gives the reference copy the cache must agree with).
 */
export function lowerTree(tree: Tree, text: string, useCache = true): LoweredFile {
  const { types, named, flags } = tablesFor(tree.language);
  const comments: RawComment[] = [];
  const errors: RawSyntaxError[] = [];
  const root = newSyn('module', 0, text.length, []);
  const rootIsError = tree.rootNode.type === 'ERROR';
  // Missing tokens only exist in trees with errors; skipping the check saves a wasm call per token.
  const mayHaveMissing = tree.rootNode.hasError;
  // From here until it is closed, nothing else may call into tree-sitter (see `DirectWalk`).
  const cursor = walkTree(tree);
  // A stack of frames reused from node to node (the innermost open node at `frames[depth]`): one object
  // per nesting level rather than one per node.
  const frames: Frame[] = [{ syn: root, firstChild: 0, flags: TypeFlag.HoldsStatements, statement: null, inErrorNode: false, inString: false, startPending: false, endPending: false, lastChildEnd: -1 }];
  let depth = 0;
  // The children of the open nodes, innermost last. A node gets an array of exactly its children when it
  // closes: arrays grown by pushing start with room for 17, and most nodes have one to three children,
  // which made children arrays as much memory as the nodes themselves.
  const pendingChildren: Syn[] = [];
  const closeFrame = (frame: Frame) => {
    if (pendingChildren.length > frame.firstChild) {
      frame.syn.children = smallArray(pendingChildren, frame.firstChild);
      pendingChildren.length = frame.firstChild;
    }
  };
  const pushFrame = (syn: Syn, typeFlags: number, statement: OpenStatement | null, inErrorNode: boolean, inString: boolean, pending: boolean) => {
    depth++;
    const frame = frames[depth];
    if (frame === undefined) {
      frames.push({ syn, firstChild: pendingChildren.length, flags: typeFlags, statement, inErrorNode, inString, startPending: pending, endPending: pending, lastChildEnd: -1 });
      return;
    }
    frame.syn = syn;
    frame.firstChild = pendingChildren.length;
    frame.flags = typeFlags;
    frame.statement = statement;
    frame.inErrorNode = inErrorNode;
    frame.inString = inString;
    frame.startPending = pending;
    frame.endPending = pending;
    frame.lastChildEnd = -1;
  };
  // Inner nodes of a tree without errors take their range from their first and last child: a node
  // starts where its first child does and ends where its last child does, which saves two calls into
  // tree-sitter for each of them. (Trees with errors are read plainly.)
  const derivesRanges = !mayHaveMissing;
  /** A node's start is known: it is also the start of every enclosing node waiting for its first child's. */
  const settleStart = (start: number) => {
    for (let i = depth; i >= 0; i--) {
      const frame = frames[i]!;
      if (!frame.startPending) break;
      frame.syn.start = start;
      frame.startPending = false;
    }
  };
  const openStatements: OpenStatement[] = [];
  const lowering = ++loweringCount;
  let reusedStatements = 0;

  const addComment = (comment: RawComment) => {
    comments.push(comment);
    for (const open of openStatements) open.entry.comments.push({ start: comment.start - open.start, end: comment.end - open.start });
  };
  const addError = (error: RawSyntaxError) => {
    errors.push(error);
    for (const open of openStatements) open.hasError = true;
  };

  try {
    if (!cursor.gotoFirstChild()) return { root, comments, errors, reusedStatements };
    // (The root's frame is closed where the walk ends, below.)
    for (;;) {
      const parent = frames[depth]!;
      parent.lastChildEnd = -1;
      const typeId = cursor.nodeTypeId();
      const isErrorNode = typeId === ERROR_TYPE_ID;
      const type = isErrorNode ? 'ERROR' : types[typeId] ?? '';
      const typeFlags = isErrorNode ? 0 : flags[typeId] ?? 0;
      let descend = false;
      if (!isErrorNode && !named[typeId]) {
        if (parent.startPending) settleStart(cursor.startIndex());
        if (parent.inErrorNode) {
          (parent.syn.ops ??= []).push(type);
          ((parent.syn.typeSpecific ??= []) as number[]).push(cursor.startIndex());
        } else if (parent.flags & TypeFlag.KeepsOperators) {
          (parent.syn.ops ??= []).push(type);
        }
        if (mayHaveMissing && cursor.nodeIsMissing()) {
          const at = cursor.startIndex();
          addError({ start: at, end: at, kind: 'missing', token: type });
        } else if (rootIsError && depth === 0) {
          addError({ start: cursor.startIndex(), end: cursor.endIndex(), kind: 'unexpected', token: type });
        }
      } else if (type === 'comment') {
        const comment = { start: cursor.startIndex(), end: cursor.endIndex() };
        if (parent.startPending) settleStart(comment.start);
        addComment(comment);
        parent.lastChildEnd = comment.end;
      } else if (parent.inString && type !== 'interpolation') {
        // String pieces: the value is read from the text.
      } else if (derivesRanges && typeFlags & TypeFlag.RangeFromChildren && !(parent.flags & TypeFlag.HoldsStatements)) {
        const syn = newSyn(type, -1, -1, NO_CHILDREN);
        pendingChildren.push(syn);
        if (depth + 1 < MAX_SYNTAX_DEPTH && cursor.gotoFirstChild()) {
          pushFrame(syn, typeFlags, null, false, false, true);
          descend = true;
        } else {
          syn.start = cursor.startIndex();
          syn.end = cursor.endIndex();
          if (parent.startPending) settleStart(syn.start);
          parent.lastChildEnd = syn.end;
        }
      } else {
        const start = cursor.startIndex();
        if (parent.startPending) settleStart(start);
        // In a tree without errors a name ends where its characters do: scanning the text is cheaper than
        // asking the tree (trees with errors can hold zero-width missing names, so they are asked).
        const end = (mayHaveMissing ? null : leafEndFromText(type, text, start)) ?? cursor.endIndex();
        if (start === end && cursor.nodeIsMissing()) {
          addError({ start, end, kind: 'missing', token: type });
        } else {
          let reused = false;
          let statementText: string | null = null;
          let column = 0;
          // Error recovery depends on the surroundings, so statements with errors are neither reused nor kept,
          // nor are the stray pieces at the top of a file that failed to parse as a whole (each is an error);
          // the column is part of the key because indentation decides how nested lines parse.
          if (parent.flags & TypeFlag.HoldsStatements && type !== 'ERROR' && end - start <= MAX_CACHED_STATEMENT_LENGTH
            && !(rootIsError && depth === 0 && !STATEMENT_TYPE.test(type))
            && !(mayHaveMissing && cursor.nodeHasError())) {
            column = start - text.lastIndexOf('\n', start - 1) - 1;
            statementText = text.slice(start, end);
            const hit = useCache ? cachedStatement(statementText, type, column) : undefined;
            if (hit) {
              if (hit.lowering !== lowering) reusedStatements++;
              pendingChildren.push(placeStatement(hit, start, lowering));
              for (const comment of hit.comments) addComment({ start: start + comment.start, end: start + comment.end });
              parent.lastChildEnd = end;
              reused = true;
            }
          }
          if (!reused) {
            // A key of its own: keys outlive this version of the document (see `detached`).
            const key = statementText === null ? null : `${type}\u0000${column}\u0000${detached(statementText)}`;
            const syn = newSyn(type, start, end, NO_CHILDREN);
            if (key) {
              syn.contentKey = key;
              syn.placedIn = lowering;
            }
            pendingChildren.push(syn);
            const isError = type === 'ERROR';
            const isPlainString = type === 'string' && !isFString(text, start);
            if (isError) {
              addError({ start, end, kind: 'unexpected', token: '' });
            } else if (rootIsError && depth === 0 && !STATEMENT_TYPE.test(type)) {
              addError({ start, end, kind: 'unexpected', token: firstWord(text.slice(start, Math.min(end, start + 40))) });
            }
            if (!isPlainString && !(typeFlags & TypeFlag.Leaf) && depth + 1 < MAX_SYNTAX_DEPTH && cursor.gotoFirstChild()) {
              const statement: OpenStatement | null = key ? { entry: newEntry(syn, key, type, column, lowering), start, hasError: false } : null;
              if (statement) openStatements.push(statement);
              pushFrame(syn, typeFlags, statement, isError, type === 'string', false);
              descend = true;
            } else {
              parent.lastChildEnd = end;
              if (key && useCache) rememberStatement(newEntry(syn, key, type, column, lowering));
            }
          }
        }
      }
      if (descend) continue;
      while (!cursor.gotoNextSibling()) {
        // The cursor is on the last child of the innermost open node.
        const current = frames[depth]!;
        if (current.endPending) {
          current.syn.end = current.lastChildEnd >= 0 ? current.lastChildEnd : cursor.endIndex();
          current.endPending = false;
        }
        if (!cursor.gotoParent() || depth === 0) {
          for (; depth >= 0; depth--) closeFrame(frames[depth]!);
          return { root, comments, errors, reusedStatements };
        }
        const done = frames[depth]!;
        closeFrame(done);
        depth--;
        frames[depth]!.lastChildEnd = done.syn.end;
        if (done.inErrorNode) nameUnexpectedToken(done.syn, errors, text);
        if (done.syn.type === 'block' && openStatements.length > 0) recordLayout(done.syn);
        if (done.statement) {
          openStatements.pop();
          if (!done.statement.hasError && useCache) rememberStatement(done.statement.entry);
        }
      }
    }
  } catch (error) {
    // Copies may be half moved: start the cache afresh rather than risk reusing them.
    clearStatementCache();
    throw error;
  } finally {
    cursor.close();
  }
}

/** Literal keywords, whose length is fixed. */
const KEYWORD_LEAVES: Record<string, number> = { true: 4, false: 5, none: 4 };

/** Where an identifier (ASCII only) or `True` / `False` / `None` starting at `start` ends; null when the text cannot tell. */
function leafEndFromText(type: string, text: string, start: number): number | null {
  if (type !== 'identifier') return KEYWORD_LEAVES[type] !== undefined ? start + KEYWORD_LEAVES[type]! : null;
  let end = start;
  for (;;) {
    const code = end < text.length ? text.charCodeAt(end) : -1;
    if ((code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95) end++;
    else return code >= 128 || end === start ? null : end;
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
    const starts = opStartsOf(errorNode) ?? [];
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
    const line = this.lineOfClamped(clamped);
    return { line, character: clamped - this.lineStarts[line]! };
  }

  /** The line of `offset` (as `position(offset).line`, without making a position). */
  lineOf(offset: number): number {
    return this.lineOfClamped(offset < 0 ? 0 : offset > this.length ? this.length : offset);
  }

  private lineOfClamped(clamped: number): number {
    const starts = this.lineStarts;
    const last = this.lastLine;
    if (starts[last]! <= clamped && (last + 1 === starts.length || starts[last + 1]! > clamped)) return last;
    // Walking a file in order, the next lookup is most often on the next line.
    const next = last + 1;
    if (next < starts.length && starts[next]! <= clamped && (next + 1 === starts.length || starts[next + 1]! > clamped)) {
      this.lastLine = next;
      return next;
    }
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= clamped) low = mid;
      else high = mid - 1;
    }
    this.lastLine = low;
    return low;
  }

  /** Whether `offset` is at `position` (as comparing it with `position(offset)`, without making a position or searching). */
  isAt(position: Position, offset: number): boolean {
    const starts = this.lineStarts;
    const lineStart = starts[position.line];
    if (lineStart === undefined || lineStart + position.character !== offset || offset > this.length) return false;
    return position.line + 1 === starts.length || starts[position.line + 1]! > offset;
  }

  range(start: number, end: number): Range {
    const from = start < 0 ? 0 : start > this.length ? this.length : start;
    const to = end < from ? from : end > this.length ? this.length : end;
    const startLine = this.lineOfClamped(from);
    const endLine = this.lineOfClamped(to);
    return new CompactRange(startLine, from - this.lineStarts[startLine]!, endLine, to - this.lineStarts[endLine]!);
  }

  of(node: Syn): Range {
    return this.range(node.start, node.end);
  }
}
