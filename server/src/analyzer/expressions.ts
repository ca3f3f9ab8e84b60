import type { ExprKind, ExprValue, KeywordArgument } from './model';
import { qualify, type ImportTable } from './names';
import { detached } from './detached';
import { keywordMemoOf, replacementsIn, setKeywordMemo, type LineIndex, type Syn } from './syntax';

/** Beyond this depth nested literals are described by kind and text only. */
const MAX_VALUE_DEPTH = 12;
/** Lists and dicts longer than this keep only their first items (the text still covers all of them). */
const MAX_ITEMS = 500;

/**
 * Decodes a plain (non-f, non-bytes) Python string literal, including implicit concatenation;
 * null when the literal is not a plain string.
 */
export function stringLiteral(node: Syn, text: string): string | null {
  if (node.type === 'concatenated_string') {
    let result = '';
    for (const part of node.children) {
      const value = stringLiteral(part, text);
      if (value === null) return null;
      result += value;
    }
    return result;
  }
  if (node.type !== 'string') return null;
  // The usual `"text"` (no prefix, not triple-quoted, no escapes) is read directly: every task id and most
  // arguments are such strings, and the general reading below matches a pattern and copies the text twice.
  if (node.end - node.start >= 3) {
    const quote = text.charCodeAt(node.start);
    if ((quote === 0x22 || quote === 0x27) && text.charCodeAt(node.end - 1) === quote && text.charCodeAt(node.start + 1) !== quote) {
      const body = text.slice(node.start + 1, node.end - 1);
      if (!body.includes('\\')) return body;
    }
  }
  const raw = text.slice(node.start, node.end);
  const match = /^([A-Za-z]*)('''|"""|'|")/.exec(raw);
  if (!match) return null;
  const prefix = match[1]!.toLowerCase();
  if (prefix.includes('f') || prefix.includes('b')) return null;
  const quote = match[2]!;
  if (!raw.endsWith(quote) || raw.length < match[0].length + quote.length) return null;
  const body = raw.slice(match[0].length, raw.length - quote.length);
  return prefix.includes('r') ? body : unescape(body);
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v' };

function unescape(body: string): string {
  if (!body.includes('\\')) return body;
  return body.replace(/\\(\n|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)/g, (whole, code: string) => {
    if (code === '\n') return '';
    if (code.length > 1) return String.fromCharCode(parseInt(code.slice(1), 16));
    return SIMPLE_ESCAPES[code] ?? whole;
  });
}

/** The number a numeric literal stands for, or null. */
export function numberLiteral(node: Syn, text: string): number | null {
  if (node.type === 'unary_operator' && node.ops?.[0] === '-' && node.children[0]) {
    const inner = numberLiteral(node.children[0], text);
    return inner === null ? null : -inner;
  }
  if (node.type !== 'integer' && node.type !== 'float') return null;
  const raw = text.slice(node.start, node.end).replace(/_/g, '');
  const value = /^0[xob]/i.test(raw) ? Number(raw) : Number(raw);
  return Number.isFinite(value) ? value : null;
}

/** The reader context of the analysis before (see `ExpressionReader.context`). */
let lastContext = '';

/** Shared by all argument records: inherits nothing, so no Python name can hit an inherited property. */
const ARGUMENT_RECORD_PROTOTYPE = Object.create(null) as object;
function ArgumentRecord(): void {}
ArgumentRecord.prototype = ARGUMENT_RECORD_PROTOTYPE;

/**
 * An empty record of keyword arguments or dict entries by name. Python names such as `constructor` or
 * `__proto__` must be plain keys, so the record inherits nothing; it is made with `new` rather than
 * `Object.create(null)` because the engine keeps such objects in its fast mode, and rules walk these
 * records for every task.
 */
export function newArgumentRecord(): Record<string, KeywordArgument> {
  return new (ArgumentRecord as unknown as new () => Record<string, KeywordArgument>)();
}

/** Gives the strings of an expression memory of their own (see `detached`); the values stay equal. */
export function detachExpression(value: ExprValue): void {
  value.text = detached(value.text);
  if (typeof value.value === 'string') value.value = detached(value.value);
  if (value.qualifiedName !== undefined) value.qualifiedName = detached(value.qualifiedName);
  if (value.entries) detachKeywords(value.entries);
  if (value.items) for (const item of value.items) detachExpression(item);
}

export function detachKeywords(keywords: Record<string, KeywordArgument>): void {
  for (const name in keywords) {
    const argument = keywords[name]!;
    argument.name = detached(argument.name);
    detachExpression(argument.value);
  }
}

const KIND_BY_TYPE: Record<string, ExprKind> = {
  string: 'string',
  concatenated_string: 'string',
  integer: 'number',
  float: 'number',
  true: 'boolean',
  false: 'boolean',
  none: 'none',
  identifier: 'name',
  attribute: 'attribute',
  call: 'call',
  dictionary: 'dict',
  list: 'list',
  tuple: 'tuple',
  binary_operator: 'binary',
};

/**
 * Builds {@link ExprValue}s: the syntactic view of an expression, with literal values and
 * module-level constants (names assigned exactly once at module level) followed.
 */
export class ExpressionReader {
  constructor(
    readonly text: string,
    readonly lines: LineIndex,
    readonly imports: ImportTable,
    /** Module-level names assigned exactly once, with the expression assigned. */
    readonly constants: Map<string, Syn>,
    /**
     * True when re-analysing a file seen before: what is kept with reused statement nodes then gets
     * strings of its own, so that it does not keep this version of the document alive (see `detached`).
     */
    private readonly detachKept = false,
  ) {}

  private contextKey: string | undefined;

  /**
   * What values read here depend on besides the text they are read from: the import table and the
   * module-level constants that have a literal value (the only ones followed into values), with where
   * those are. The same context as in the analysis before is the very same string, so comparing it
   * is one step.
   */
  get context(): string {
    if (this.contextKey === undefined) {
      let context = '';
      for (const [local, qualified] of this.imports) context += `${local}=${qualified}\n`;
      for (const [name, node] of this.constants) {
        const literal = this.literal(node);
        if (literal === undefined) continue;
        const { start, end } = this.lines.of(node);
        context += `${name}=${JSON.stringify(literal)}@${start.line}:${start.character}-${end.line}:${end.character}\n`;
      }
      if (context !== lastContext) lastContext = context;
      this.contextKey = lastContext;
    }
    return this.contextKey;
  }

  textOf(node: Syn): string {
    return this.text.slice(node.start, node.end);
  }

  /** Strips parentheses around an expression. */
  unwrap(node: Syn): Syn {
    let current = node;
    for (let i = 0; i < 32 && current.type === 'parenthesized_expression' && current.children.length === 1; i++) {
      current = current.children[0]!;
    }
    return current;
  }

  kindOf(node: Syn): ExprKind {
    if (node.type === 'string' && node.children.length > 0) return 'fstring';
    if (node.type === 'string' && /^[A-Za-z]*[fF]/.test(this.text.slice(node.start, node.start + 4))) return 'fstring';
    return KIND_BY_TYPE[node.type] ?? 'other';
  }

  /** The literal value of an expression (constants followed), or undefined when not statically known. */
  literal(node: Syn, depth = 0): string | number | boolean | null | undefined {
    const inner = this.unwrap(node);
    switch (inner.type) {
      case 'string':
      case 'concatenated_string':
        return stringLiteral(inner, this.text) ?? undefined;
      case 'integer':
      case 'float':
      case 'unary_operator':
        return numberLiteral(inner, this.text) ?? undefined;
      case 'true':
        return true;
      case 'false':
        return false;
      case 'none':
        return null;
      case 'identifier': {
        if (depth > 8) return undefined;
        const assigned = this.constants.get(this.textOf(inner));
        return assigned ? this.literal(assigned, depth + 1) : undefined;
      }
      default:
        return undefined;
    }
  }

  /** The expression as an {@link ExprValue}. */
  value(node: Syn, depth = 0): ExprValue {
    const inner = this.unwrap(node);
    const result: ExprValue = { kind: this.kindOf(inner), text: this.textOf(node), range: this.lines.of(node) };
    const literal = this.literal(inner);
    if (literal !== undefined) result.value = literal;
    if (inner.type === 'identifier') {
      const assigned = this.constants.get(this.textOf(inner));
      if (assigned && literal !== undefined) result.resolvedFrom = this.lines.of(assigned);
    }
    if (inner.type === 'identifier' || inner.type === 'attribute') {
      const qualified = qualify(inner, this.text, this.imports);
      if (qualified !== null) result.qualifiedName = qualified;
    } else if (inner.type === 'call' && inner.children[0]) {
      const qualified = qualify(inner.children[0], this.text, this.imports);
      if (qualified !== null) result.qualifiedName = qualified;
    }
    if (depth >= MAX_VALUE_DEPTH) return result;
    if (inner.type === 'dictionary') {
      result.entries = this.dictEntries(inner, depth + 1);
    } else if (inner.type === 'call' && result.qualifiedName === 'dict') {
      const argumentList = inner.children[1];
      if (argumentList) result.entries = this.keywords(argumentList, depth + 1);
    } else if (inner.type === 'list' || inner.type === 'tuple' || inner.type === 'set') {
      result.items = inner.children.slice(0, MAX_ITEMS).map((item) => this.value(item, depth + 1));
    }
    return result;
  }

  /** Entries with literal string keys of a dict literal. */
  dictEntries(dict: Syn, depth = 0): Record<string, KeywordArgument> {
    const entries = newArgumentRecord();
    for (const pair of dict.children.slice(0, MAX_ITEMS)) {
      if (pair.type !== 'pair') continue;
      const [key, value] = pair.children;
      if (!key || !value) continue;
      const name = this.literal(key);
      if (typeof name !== 'string') continue;
      entries[name] = { name, range: this.lines.of(pair), nameRange: this.lines.of(key), value: this.value(value, depth) };
    }
    return entries;
  }

  /**
   * The keyword arguments of an argument list. They are kept with the node: a statement whose text did
   * not change keeps its nodes from one analysis to the next, so unless it moved to another line or the
   * imports or constants changed, its keywords are the ones read last time (shared by the call facts
   * and the tasks built from the same call).
   */
  keywords(argumentList: Syn, depth = 0): Record<string, KeywordArgument> {
    if (depth > 0) return this.readKeywords(argumentList, depth);
    const line = this.lines.lineOf(argumentList.start);
    const context = this.context;
    const memo = keywordMemoOf(argumentList);
    if (memo !== undefined && memo.line === line && memo.context === context) return memo.keywords;
    const keywords = this.readKeywords(argumentList, 0);
    if (this.detachKept) detachKeywords(keywords);
    setKeywordMemo(argumentList, { keywords, line, context });
    return keywords;
  }

  private readKeywords(argumentList: Syn, depth: number): Record<string, KeywordArgument> {
    const keywords = newArgumentRecord();
    for (const argument of argumentList.children) {
      if (argument.type !== 'keyword_argument') continue;
      const [name, value] = argument.children;
      if (!name || !value) continue;
      const key = this.textOf(name);
      keywords[key] = { name: key, range: this.lines.of(argument), nameRange: this.lines.of(name), value: this.value(value, depth) };
    }
    return keywords;
  }

  /** The positional arguments of an argument list (`*args` included as written). */
  positional(argumentList: Syn): ExprValue[] {
    const values: ExprValue[] = [];
    for (const argument of argumentList.children) {
      if (argument.type === 'keyword_argument' || argument.type === 'dictionary_splat') continue;
      values.push(this.value(argument));
    }
    return values;
  }
}

/** Finds module-level names assigned exactly once (and never rebound by loops, imports or defs). */
export function moduleConstants(root: Syn, text: string): Map<string, Syn> {
  const bindings: Bindings = { names: [], assigned: [] };
  addBlockBindings(root, true, 0, text, bindings);
  const counts = new Map<string, number>();
  for (const name of bindings.names) counts.set(name, (counts.get(name) ?? 0) + 1);
  const values = new Map<string, Syn>();
  const assigned = bindings.assigned;
  for (let i = 0; i < assigned.length; i += 2) values.set(assigned[i] as string, assigned[i + 1] as Syn);
  const constants = new Map<string, Syn>();
  for (const [name, value] of values) if (counts.get(name) === 1) constants.set(name, value);
  return constants;
}

/** Names a piece of code binds: each once per binding, and its module-level `name = value` assignments in order. */
interface Bindings {
  names: string[];
  /** Pairs, flattened: name, assigned expression. */
  assigned: (string | Syn)[];
}

/**
 * What each compound statement binds, kept with its node for the analyses after this one: a statement
 * whose text did not change keeps its node (see `lowerTree`), so after a keystroke only the changed
 * statement is walked. The names are copies of their own (see `detached`).
 */
const statementBindings = new WeakMap<Syn, Bindings & { topLevel: boolean; depth: number; replacements: number }>();

function addBlockBindings(block: Syn, topLevel: boolean, depth: number, text: string, out: Bindings): void {
  if (depth > 32) return;
  for (const statement of block.children) {
    // A simple statement is read directly: keeping its bindings would cost more than reading them.
    if (statement.type === 'expression_statement') {
      addStatementBindings(statement, topLevel, depth, text, out);
      continue;
    }
    let bindings = statementBindings.get(statement);
    // The assigned expressions are nodes inside the statement: kept while none was replaced.
    if (bindings === undefined || bindings.topLevel !== topLevel || bindings.depth !== depth || bindings.replacements !== replacementsIn(statement)) {
      bindings = { names: [], assigned: [], topLevel, depth, replacements: replacementsIn(statement) };
      addStatementBindings(statement, topLevel, depth, text, bindings);
      statementBindings.set(statement, bindings);
    }
    for (let i = 0; i < bindings.names.length; i++) out.names.push(bindings.names[i]!);
    for (let i = 0; i < bindings.assigned.length; i++) out.assigned.push(bindings.assigned[i]!);
  }
}

function addStatementBindings(statement: Syn, topLevel: boolean, depth: number, text: string, out: Bindings): void {
  if (statement.type === 'expression_statement') {
    const assignment = statement.children[0];
    if (!assignment) return;
    if (assignment.type === 'assignment') {
      let current: Syn | undefined = assignment;
      for (let chain = 0; current && current.type === 'assignment' && chain < 16; chain++) {
        const target = current.children[0];
        const value: Syn | undefined = current.children[current.children.length - 1];
        if (target && target.type === 'identifier' && topLevel && value && value.type !== 'assignment') {
          out.assigned.push(nameOf(target, text), value);
        }
        if (target) addTargetNames(target, text, out);
        current = value && value.type === 'assignment' ? value : undefined;
      }
    } else if (assignment.type === 'augmented_assignment' && assignment.children[0]) {
      addTargetNames(assignment.children[0], text, out);
      out.names.push(nameOf(assignment.children[0], text));
    }
  } else if (statement.type === 'for_statement' && statement.children[0]) {
    addTargetNames(statement.children[0], text, out);
    addTargetNames(statement.children[0], text, out);
    for (const child of statement.children) if (child.type === 'block') addBlockBindings(child, false, depth + 1, text, out);
  } else if (statement.type === 'function_definition' || statement.type === 'class_definition') {
    if (statement.children[0]) out.names.push(nameOf(statement.children[0], text));
  } else if (statement.type === 'decorated_definition') {
    const definition = statement.children[statement.children.length - 1];
    if (definition?.children[0]) out.names.push(nameOf(definition.children[0], text));
  } else if (statement.type === 'with_statement') {
    for (const child of statement.children) if (child.type === 'block') addBlockBindings(child, topLevel, depth + 1, text, out);
  } else if (statement.type === 'if_statement' || statement.type === 'try_statement'
    || statement.type === 'while_statement' || statement.type === 'elif_clause' || statement.type === 'else_clause'
    || statement.type === 'except_clause' || statement.type === 'finally_clause' || statement.type === 'block') {
    // Assignments in conditional blocks still bind module names, but not unconditionally.
    for (const child of statement.children) {
      if (child.type === 'block') addConditionalBindings(child, depth + 1, text, out);
      else if (child.type.endsWith('_clause')) addBlockBindings(child, false, depth + 1, text, out);
    }
  }
}

/** The name an identifier node binds, as a copy of its own (bindings are kept past this analysis). */
function nameOf(identifier: Syn, text: string): string {
  return detached(text.slice(identifier.start, identifier.end));
}

/** The names an assignment target binds (`a`, `a, b`, `(a, [b, c])`); attributes and subscripts bind none. */
function addTargetNames(target: Syn, text: string, out: Bindings): void {
  if (target.type === 'identifier') out.names.push(nameOf(target, text));
  else for (const child of target.children) if (child.type !== 'attribute' && child.type !== 'subscript') addTargetNames(child, text, out);
}

function addConditionalBindings(block: Syn, depth: number, text: string, out: Bindings): void {
  if (depth > 32) return;
  // Counted twice so a conditional binding never looks like a single certain assignment.
  for (const statement of block.children) {
    const assignment = statement.type === 'expression_statement' ? statement.children[0] : undefined;
    if (assignment?.type === 'assignment' && assignment.children[0]) {
      addTargetNames(assignment.children[0], text, out);
      addTargetNames(assignment.children[0], text, out);
    }
  }
  addBlockBindings(block, false, depth + 1, text, out);
}
