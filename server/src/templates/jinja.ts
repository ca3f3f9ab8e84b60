/**
 * A small Jinja lexer and parser, enough to check templates the way Airflow's Jinja environment would
 * compile them: where the tags are, which names they read and define, which filters and tests they use,
 * and where the syntax is broken. It follows Jinja's own grammar (operator precedence, filters binding to
 * the closest operand, `}}` inside brackets not ending a tag, `{% raw %}` blocks, whitespace control), so
 * a template Jinja accepts is never reported here. All offsets are into the template text.
 */

export interface Span {
  start: number;
  end: number;
}

export type JinjaTagKind = 'expression' | 'statement' | 'comment' | 'raw';

/** One `{{ … }}`, `{% … %}`, `{# … #}` or a whole `{% raw %}…{% endraw %}` block. */
export interface JinjaTag extends Span {
  kind: JinjaTagKind;
  /** The content between the delimiters (whitespace-control markers excluded). */
  content: Span;
  /** False when the closing delimiter is missing. */
  closed: boolean;
  /** For statements: the tag name (`if`, `for`, `endfor`, `set` …). */
  keyword?: string;
}

/** One step of an attribute chain: `.value` or a literal subscript `['value']`. */
export interface PathSegment extends Span {
  name: string;
  /** True for `['name']`, false for `.name`. */
  subscript: boolean;
}

/** A variable read from the template context, with the literal attribute chain that follows it. */
export interface JinjaReference extends Span {
  name: string;
  path: PathSegment[];
  /** True when the last element of the chain is called (`params.get(...)`, `macros.ds_add(...)`). */
  called: boolean;
}

/** A filter (`| ds`) or test (`is defined`) used by name. */
export interface JinjaNameUse extends Span {
  name: string;
}

/** A name the template itself binds: `{% set %}`, `{% for %}` targets, macro names and parameters, imports, `{% with %}`. */
export interface JinjaDefinition extends Span {
  name: string;
  /** The statement that binds it. */
  binder: string;
}

export interface JinjaSyntaxError extends Span {
  message: string;
}

export interface JinjaTemplate {
  source: string;
  tags: JinjaTag[];
  references: JinjaReference[];
  filters: JinjaNameUse[];
  tests: JinjaNameUse[];
  definitions: JinjaDefinition[];
  errors: JinjaSyntaxError[];
}

/** True when `text` contains something Jinja would treat as a tag. A cheap pre-check before parsing. */
export function containsJinja(text: string): boolean {
  return text.includes('{{') || text.includes('{%') || text.includes('{#');
}

/** Templates longer than this are not parsed further than the first errors; keeps work bounded on any input. */
const MAX_TOKENS_PER_TAG = 5000;

type TokenType = 'name' | 'string' | 'number' | 'operator';

interface Token extends Span {
  type: TokenType;
  value: string;
}

const OPERATORS = ['//', '**', '==', '!=', '<=', '>=', '+', '-', '*', '/', '%', '~', '<', '>', '=', '.', ':', '|', ',', ';', '(', ')', '[', ']', '{', '}'];
const CLOSERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const NAME = /[\p{L}_][\p{L}\p{N}_]*/uy;
const STRING = /'([^'\\]*(?:\\.[^'\\]*)*)'|"([^"\\]*(?:\\.[^"\\]*)*)"/sy;
/** Jinja's float: digits on both sides of the dot (`x.0` is an attribute lookup, not `x` then `.0`). */
const FLOAT = /\d(?:_?\d)*(?:\.\d(?:_?\d)*(?:[eE][+-]?\d(?:_?\d)*)?|[eE][+-]?\d(?:_?\d)*)/y;
const INTEGER = /0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0[xX](?:_?[0-9a-fA-F])+|\d(?:_?\d)*/y;
const RAW_OPEN = /\{%[-+]?\s*raw\s*[-+]?%\}/y;
const RAW_CLOSE = /\{%[-+]?\s*endraw\s*[-+]?%\}/g;

const BLOCK_TAGS = new Set(['for', 'if', 'macro', 'call', 'filter', 'set', 'with', 'block', 'autoescape']);
const JINJA_LITERALS = new Set(['true', 'false', 'none', 'True', 'False', 'None']);

class ParseError extends Error {
  constructor(message: string, readonly span: Span) {
    super(message);
  }
}

/** Parses `source` as a Jinja template. Never throws; problems end up in `errors`. */
export function parseTemplate(source: string): JinjaTemplate {
  const template: JinjaTemplate = { source, tags: [], references: [], filters: [], tests: [], definitions: [], errors: [] };
  const blocks: { keyword: string; tag: JinjaTag; sawElse: boolean }[] = [];
  let position = 0;
  while (position < source.length) {
    const open = nextOpening(source, position);
    if (open < 0) break;
    const marker = source.slice(open, open + 2);
    if (marker === '{#') {
      const close = source.indexOf('#}', open + 2);
      const closed = close >= 0;
      const end = closed ? close + 2 : source.length;
      template.tags.push({ kind: 'comment', start: open, end, content: { start: open + 2, end: closed ? close : end }, closed });
      if (!closed) template.errors.push({ message: "This comment is never closed: '{#' needs a matching '#}'.", start: open, end: open + 2 });
      position = end;
      continue;
    }
    if (marker === '{%') {
      RAW_OPEN.lastIndex = open;
      const rawOpen = RAW_OPEN.exec(source);
      if (rawOpen) {
        RAW_CLOSE.lastIndex = open + rawOpen[0].length;
        const rawClose = RAW_CLOSE.exec(source);
        const end = rawClose ? rawClose.index + rawClose[0].length : source.length;
        template.tags.push({
          kind: 'raw', start: open, end, keyword: 'raw', closed: rawClose !== null,
          content: { start: open + rawOpen[0].length, end: rawClose ? rawClose.index : end },
        });
        if (!rawClose) template.errors.push({ message: "This '{% raw %}' block is never closed with '{% endraw %}'.", start: open, end: open + rawOpen[0].length });
        position = end;
        continue;
      }
    }
    const kind: JinjaTagKind = marker === '{{' ? 'expression' : 'statement';
    const scanned = scanTag(source, open, kind);
    const tag: JinjaTag = { kind, start: open, end: scanned.end, content: scanned.content, closed: scanned.closed };
    template.tags.push(tag);
    if (scanned.error) {
      template.errors.push(scanned.error);
    } else {
      try {
        const parser = new TagParser(scanned.tokens, tag, template);
        if (kind === 'expression') parser.parsePrint();
        else parser.parseStatement(blocks);
      } catch (error) {
        if (error instanceof ParseError) template.errors.push({ message: error.message, start: error.span.start, end: error.span.end });
        else throw error;
      }
    }
    position = scanned.end;
  }
  for (const block of blocks) {
    template.errors.push({
      message: `The '{% ${block.keyword} %}' block is never closed with '{% end${block.keyword} %}'.`,
      start: block.tag.start,
      end: block.tag.end,
    });
  }
  return template;
}

function nextOpening(source: string, from: number): number {
  let index = source.indexOf('{', from);
  while (index >= 0 && index + 1 < source.length) {
    const next = source[index + 1];
    if (next === '{' || next === '%' || next === '#') return index;
    index = source.indexOf('{', index + 1);
  }
  return -1;
}

interface ScannedTag {
  tokens: Token[];
  content: Span;
  end: number;
  closed: boolean;
  error?: JinjaSyntaxError;
}

/** Tokenizes one tag starting at its opening delimiter, the way Jinja's lexer does. */
function scanTag(source: string, open: number, kind: 'expression' | 'statement'): ScannedTag {
  const closer = kind === 'expression' ? '}}' : '%}';
  let index = open + 2;
  if (source[index] === '-' || (kind === 'statement' && source[index] === '+')) index++;
  const contentStart = index;
  const tokens: Token[] = [];
  const balance: Token[] = [];
  let firstError: JinjaSyntaxError | undefined;
  const fail = (message: string, start: number, end: number) => {
    firstError ??= { message, start, end };
  };
  while (index < source.length) {
    const char = source[index]!;
    if (char === ' ' || char === '\t' || char === '\n' || char === '\r' || char === '\f' || char === '\v') {
      index++;
      continue;
    }
    if (balance.length === 0) {
      const withMarker = char === '-' || (kind === 'statement' && char === '+');
      const closeAt = withMarker ? index + 1 : index;
      if (source.startsWith(closer, closeAt)) {
        return { tokens, content: { start: contentStart, end: index }, end: closeAt + 2, closed: true, error: firstError };
      }
    }
    if (tokens.length > MAX_TOKENS_PER_TAG) {
      fail('This tag is too long to check.', open, open + 2);
      index++;
      continue;
    }
    const token = readToken(source, index);
    if (!token) {
      const message = char === '"' || char === "'"
        ? `This string is never closed: ${char} needs a matching ${char}.`
        : `Unexpected character '${char}' in a Jinja ${kind === 'expression' ? 'expression' : 'statement'}.`;
      fail(message, index, index + 1);
      index++;
      continue;
    }
    if (token.type === 'operator' && token.value in CLOSERS) balance.push(token);
    else if (token.type === 'operator' && (token.value === ')' || token.value === ']' || token.value === '}')) {
      const opener = balance.pop();
      if (!opener) fail(`Unexpected '${token.value}': nothing to close.`, token.start, token.end);
      else if (CLOSERS[opener.value] !== token.value) {
        // Keep the opener: the mismatch usually means it was never closed, which is the clearer message.
        balance.push(opener);
        fail(`'${opener.value}' is closed by '${token.value}'; expected '${CLOSERS[opener.value]}'.`, token.start, token.end);
      }
    }
    tokens.push(token);
    index = token.end;
  }
  const unclosed = balance[balance.length - 1];
  // An unclosed tag explains whatever else went wrong inside it, so it is the one error reported.
  const error = (unclosed
    ? { message: `'${unclosed.value}' is never closed.`, start: unclosed.start, end: unclosed.end }
    : { message: `This tag is never closed: '${source.slice(open, open + 2)}' needs a matching '${closer}'.`, start: open, end: open + 2 });
  return { tokens, content: { start: contentStart, end: source.length }, end: source.length, closed: false, error };
}

function readToken(source: string, at: number): Token | null {
  for (const [type, pattern] of [['name', NAME], ['string', STRING], ['number', FLOAT], ['number', INTEGER]] as const) {
    pattern.lastIndex = at;
    const match = pattern.exec(source);
    if (match) return { type, value: match[0], start: at, end: at + match[0].length };
  }
  for (const operator of OPERATORS) {
    if (source.startsWith(operator, at)) return { type: 'operator', value: operator, start: at, end: at + operator.length };
  }
  return null;
}

/** Recursive-descent parser over one tag's tokens, mirroring `jinja2.parser.Parser`. */
/** Deeper nesting than this is reported instead of parsed, so no template can exhaust the stack. */
const MAX_NESTING = 100;

class TagParser {
  private index = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[], private readonly tag: JinjaTag, private readonly template: JinjaTemplate) {}

  parsePrint(): void {
    if (this.tokens.length === 0) throw new ParseError('Empty expression: put a variable or value between {{ and }}.', this.tag);
    this.parseTuple();
    this.expectEnd();
  }

  parseStatement(blocks: { keyword: string; tag: JinjaTag; sawElse: boolean }[]): void {
    const first = this.peek();
    if (!first) throw new ParseError('Empty statement: a tag name such as if, for or set is expected after {%.', this.tag);
    if (first.type !== 'name') throw new ParseError(`Expected a tag name, got '${first.value}'.`, first);
    this.tag.keyword = first.value;
    this.index++;
    const keyword = first.value;
    const top = blocks[blocks.length - 1];
    if (keyword.startsWith('end') && keyword.length > 3) {
      const opened = keyword.slice(3);
      if (!BLOCK_TAGS.has(opened) && opened !== 'raw') throw new ParseError(`Unknown tag '${keyword}'.`, first);
      if (!top) throw new ParseError(`'{% ${keyword} %}' has no matching '{% ${opened} %}'.`, first);
      if (top.keyword !== opened) {
        throw new ParseError(`'{% ${keyword} %}' found where '{% end${top.keyword} %}' was expected.`, first);
      }
      blocks.pop();
      if (opened === 'block' && this.peek()?.type === 'name') this.index++;
      this.expectEnd();
      return;
    }
    switch (keyword) {
      case 'if':
        this.parseTuple(false);
        break;
      case 'elif':
        if (top?.keyword !== 'if') throw new ParseError("'{% elif %}' outside an '{% if %}' block.", first);
        if (top.sawElse) throw new ParseError("'{% elif %}' after '{% else %}'.", first);
        this.parseTuple(false);
        break;
      case 'else':
        if (top?.keyword !== 'if' && top?.keyword !== 'for') throw new ParseError("'{% else %}' outside an '{% if %}' or '{% for %}' block.", first);
        if (top.sawElse) throw new ParseError("A second '{% else %}' in the same block.", first);
        top.sawElse = true;
        break;
      case 'for':
        this.parseForHeader();
        break;
      case 'set':
        if (this.parseSet()) {
          this.expectEnd();
          return;
        }
        break;
      case 'with':
        this.parseWith();
        break;
      case 'macro':
        this.parseMacroHeader();
        break;
      case 'call':
        if (this.isOperator('(')) this.parseSignature('call');
        this.parseExpression();
        break;
      case 'filter':
        this.parseFilterChain(true);
        break;
      case 'block':
        this.expectName();
        if (this.isName('scoped')) this.index++;
        if (this.isName('required')) this.index++;
        break;
      case 'autoescape':
        this.parseExpression();
        break;
      case 'do':
        this.parseTuple();
        break;
      case 'extends':
        this.parseExpression();
        break;
      case 'include':
        this.parseExpression();
        if (this.isName('ignore')) {
          this.index++;
          this.expectName('missing');
        }
        this.parseContextModifier();
        break;
      case 'import': {
        this.parseExpression();
        this.expectName('as');
        const alias = this.expectName();
        this.define(alias, 'import');
        this.parseContextModifier();
        break;
      }
      case 'from':
        this.parseFromImport();
        break;
      default:
        throw new ParseError(`Unknown tag '${keyword}': Airflow's Jinja environment has no such statement.`, first);
    }
    this.expectEnd();
    if (BLOCK_TAGS.has(keyword)) blocks.push({ keyword, tag: this.tag, sawElse: false });
  }

  private parseForHeader(): void {
    this.parseAssignTarget('for', false);
    this.expectName('in');
    this.parseTuple(false, ['recursive', 'if']);
    if (this.isName('if')) {
      this.index++;
      this.parseExpression();
    }
    if (this.isName('recursive')) this.index++;
  }

  /** Returns true for `{% set x = … %}` (no block to close), false for a block `{% set x %}…{% endset %}`. */
  private parseSet(): boolean {
    this.parseAssignTarget('set', true);
    if (this.isOperator('=')) {
      this.index++;
      this.parseTuple();
      return true;
    }
    if (this.isOperator('|')) this.parseFilterChain(false);
    return false;
  }

  private parseWith(): void {
    while (this.peek()) {
      if (this.isOperator(',')) this.index++;
      this.parseAssignTarget('with', false);
      this.expectOperator('=');
      this.parseExpression();
      if (!this.isOperator(',')) break;
    }
  }

  private parseMacroHeader(): void {
    const name = this.expectName();
    this.define(name, 'macro');
    this.parseSignature('macro');
  }

  /** `(a, b=1)` of a macro or call block: parameters become names inside the block. */
  private parseSignature(binder: string): void {
    this.expectOperator('(');
    while (!this.isOperator(')')) {
      const parameter = this.expectName();
      this.define(parameter, binder);
      if (this.isOperator('=')) {
        this.index++;
        this.parseExpression();
      }
      if (!this.isOperator(',')) break;
      this.index++;
    }
    this.expectOperator(')');
  }

  private parseFromImport(): void {
    this.parseExpression();
    this.expectName('import');
    while (this.peek()) {
      if (this.isName('with') || this.isName('without')) break;
      const name = this.expectName();
      if (this.isName('as')) {
        this.index++;
        this.define(this.expectName(), 'import');
      } else {
        this.define(name, 'import');
      }
      if (!this.isOperator(',')) break;
      this.index++;
    }
    this.parseContextModifier();
  }

  private parseContextModifier(): void {
    if (this.isName('with') || this.isName('without')) {
      this.index++;
      this.expectName('context');
    }
  }

  /** Assignment targets: names, tuples of names, and for `set` also `namespace.attribute`. */
  private parseAssignTarget(binder: string, allowNamespace: boolean): void {
    const parseOne = () => {
      if (this.isOperator('(')) {
        this.index++;
        this.parseAssignTarget(binder, false);
        this.expectOperator(')');
        return;
      }
      const name = this.expectName();
      if (allowNamespace && this.isOperator('.')) {
        this.index++;
        const attribute = this.expectName();
        this.template.references.push({ name: name.value, start: name.start, end: name.end, called: false, path: [{ name: attribute.value, start: attribute.start, end: attribute.end, subscript: false }] });
        return;
      }
      this.define(name, binder);
    };
    parseOne();
    while (this.isOperator(',')) {
      this.index++;
      if (this.isName('in') || this.isOperator('=') || this.isOperator(')') || !this.peek()) break;
      parseOne();
    }
  }

  private define(token: Token, binder: string): void {
    if (JINJA_LITERALS.has(token.value)) throw new ParseError(`Cannot assign to '${token.value}'.`, token);
    this.template.definitions.push({ name: token.value, start: token.start, end: token.end, binder });
  }

  // ---- expressions, by increasing precedence, as in jinja2.parser ----

  private parseTuple(withCondition = true, stopNames: string[] = []): void {
    let count = 0;
    while (this.peek() && !this.isStop(stopNames)) {
      if (count > 0) {
        if (!this.isOperator(',')) break;
        this.index++;
        if (!this.peek() || this.isStop(stopNames) || this.isOperator(')')) break;
      }
      if (withCondition) this.parseExpression();
      else this.parseOr();
      count++;
    }
    if (count === 0) throw this.unexpected('an expression');
  }

  private isStop(stopNames: string[]): boolean {
    const token = this.peek();
    return token !== undefined && token.type === 'name' && stopNames.includes(token.value);
  }

  private parseExpression(): void {
    this.nest(() => this.parseExpressionInner());
  }

  /** Runs a nested parse step, refusing nesting that could exhaust the stack. */
  private nest(step: () => void): void {
    if (++this.depth > MAX_NESTING) {
      const token = this.peek() ?? this.tokens[this.tokens.length - 1];
      throw new ParseError('This expression is nested too deeply to check.', token ?? this.tag);
    }
    try {
      step();
    } finally {
      this.depth--;
    }
  }

  private parseExpressionInner(): void {
    this.parseOr();
    if (this.isName('if')) {
      this.index++;
      this.parseOr();
      if (this.isName('else')) {
        this.index++;
        this.parseExpression();
      }
    }
  }

  private parseOr(): void {
    this.parseAnd();
    while (this.isName('or')) {
      this.index++;
      this.parseAnd();
    }
  }

  private parseAnd(): void {
    this.parseNot();
    while (this.isName('and')) {
      this.index++;
      this.parseNot();
    }
  }

  private parseNot(): void {
    if (this.isName('not')) {
      this.index++;
      this.nest(() => this.parseNot());
      return;
    }
    this.parseCompare();
  }

  private parseCompare(): void {
    this.parseMath1();
    for (;;) {
      const token = this.peek();
      if (!token) return;
      if (token.type === 'operator' && ['==', '!=', '<', '>', '<=', '>='].includes(token.value)) {
        this.index++;
      } else if (this.isName('in')) {
        this.index++;
      } else if (this.isName('not') && this.peek(1)?.type === 'name' && this.peek(1)?.value === 'in') {
        this.index += 2;
      } else {
        return;
      }
      this.parseMath1();
    }
  }

  private parseMath1(): void {
    this.parseConcat();
    while (this.isOperator('+') || this.isOperator('-')) {
      this.index++;
      this.parseConcat();
    }
  }

  private parseConcat(): void {
    this.parseMath2();
    while (this.isOperator('~')) {
      this.index++;
      this.parseMath2();
    }
  }

  private parseMath2(): void {
    this.parsePow();
    while (this.isOperator('*') || this.isOperator('/') || this.isOperator('//') || this.isOperator('%')) {
      this.index++;
      this.parsePow();
    }
  }

  private parsePow(): void {
    this.parseUnary();
    while (this.isOperator('**')) {
      this.index++;
      this.parseUnary();
    }
  }

  private parseUnary(withFilter = true): void {
    if (this.isOperator('-') || this.isOperator('+')) {
      this.index++;
      this.nest(() => this.parseUnary(false));
    } else {
      this.parsePrimaryWithPostfix();
    }
    if (withFilter) this.parseFilterExpression();
  }

  private parseFilterExpression(): void {
    for (;;) {
      if (this.isOperator('|')) {
        this.parseFilterChain(false);
      } else if (this.isName('is')) {
        this.index++;
        this.parseTest();
      } else if (this.isOperator('(')) {
        this.parseCall();
      } else {
        return;
      }
    }
  }

  /** `| name(args) | other` — or, for `{% filter %}`, the same chain without the leading pipe. */
  private parseFilterChain(startsWithName: boolean): void {
    let first = startsWithName;
    while (first || this.isOperator('|')) {
      if (!first) this.index++;
      first = false;
      this.template.filters.push(this.parseDottedName());
      if (this.isOperator('(')) this.parseCall();
    }
  }

  /** A filter or test name, possibly dotted (`ds_add`, `macros.ds_format`), with its span. */
  private parseDottedName(): { name: string; start: number; end: number } {
    const first = this.expectName();
    let name = first.value;
    let end = first.end;
    while (this.isOperator('.')) {
      this.index++;
      const part = this.expectName();
      name += `.${part.value}`;
      end = part.end;
    }
    return { name, start: first.start, end };
  }

  private parseTest(): void {
    if (this.isName('not')) this.index++;
    this.template.tests.push(this.parseDottedName());
    if (this.isOperator('(')) {
      this.parseCall();
      return;
    }
    const next = this.peek();
    const startsArgument = next !== undefined && (
      next.type === 'string' || next.type === 'number' || (next.type === 'operator' && ['(', '[', '{', '-'].includes(next.value)) ||
      (next.type === 'name' && !['else', 'or', 'and', 'if', 'in', 'is', 'not', 'recursive'].includes(next.value)));
    if (startsArgument && !this.isOperator('(')) this.parsePrimaryWithPostfix();
  }

  private parsePrimaryWithPostfix(): void {
    const token = this.peek();
    if (!token) throw this.unexpected('an expression');
    if (token.type === 'name') {
      this.index++;
      if (JINJA_LITERALS.has(token.value)) {
        this.parsePostfix(null);
        return;
      }
      if (['and', 'or', 'not', 'in', 'is', 'if', 'else'].includes(token.value)) throw this.unexpected('an expression', token);
      const reference: JinjaReference = { name: token.value, start: token.start, end: token.end, path: [], called: false };
      this.template.references.push(reference);
      this.parsePostfix(reference);
      return;
    }
    if (token.type === 'string') {
      while (this.peek()?.type === 'string') this.index++;
    } else if (token.type === 'number') {
      this.index++;
    } else if (token.value === '(') {
      this.index++;
      if (this.isOperator(')')) this.index++;
      else {
        this.parseTuple();
        this.expectOperator(')');
      }
    } else if (token.value === '[') {
      this.index++;
      this.parseSequence(']', false);
    } else if (token.value === '{') {
      this.index++;
      this.parseSequence('}', true);
    } else {
      throw this.unexpected('an expression', token);
    }
    this.parsePostfix(null);
  }

  private parseSequence(closer: string, pairs: boolean): void {
    while (!this.isOperator(closer)) {
      this.parseExpression();
      if (pairs) {
        this.expectOperator(':');
        this.parseExpression();
      }
      if (!this.isOperator(',')) break;
      this.index++;
    }
    this.expectOperator(closer);
  }

  /** Attribute access, subscripts and calls after a primary; extends `reference`'s literal path while it can. */
  private parsePostfix(reference: JinjaReference | null): void {
    let chain = reference;
    for (;;) {
      if (this.isOperator('.')) {
        this.index++;
        const next = this.peek();
        if (!next || (next.type !== 'name' && next.type !== 'number')) throw this.unexpected('an attribute name');
        this.index++;
        if (chain) {
          if (next.type === 'name') chain.path.push({ name: next.value, start: next.start, end: next.end, subscript: false });
          else chain = null;
        }
      } else if (this.isOperator('[')) {
        this.index++;
        const key = this.peek();
        const literalKey = key?.type === 'string' && this.peek(1)?.type === 'operator' && this.peek(1)?.value === ']';
        if (chain && literalKey) {
          chain.path.push({ name: unquote(key.value), start: key.start, end: key.end, subscript: true });
        } else {
          chain = null;
        }
        this.parseSubscript();
        this.expectOperator(']');
      } else if (this.isOperator('(')) {
        if (chain) {
          chain.called = true;
          chain = null;
        }
        this.parseCall();
      } else {
        return;
      }
    }
  }

  private parseSubscript(): void {
    const parsePart = () => {
      if (!this.isOperator(':') && !this.isOperator(']') && !this.isOperator(',')) this.parseExpression();
    };
    parsePart();
    while (this.isOperator(':')) {
      this.index++;
      parsePart();
    }
    while (this.isOperator(',')) {
      this.index++;
      if (this.isOperator(']')) break;
      this.parseSubscript();
    }
  }

  private parseCall(): void {
    this.expectOperator('(');
    while (!this.isOperator(')')) {
      if (this.isOperator('**') || this.isOperator('*')) {
        this.index++;
        this.parseExpression();
      } else if (this.peek()?.type === 'name' && this.peek(1)?.type === 'operator' && this.peek(1)?.value === '=') {
        this.index += 2;
        this.parseExpression();
      } else {
        this.parseExpression();
      }
      if (!this.isOperator(',')) break;
      this.index++;
    }
    this.expectOperator(')');
  }

  // ---- token helpers ----

  private peek(ahead = 0): Token | undefined {
    return this.tokens[this.index + ahead];
  }

  private isOperator(value: string): boolean {
    const token = this.peek();
    return token !== undefined && token.type === 'operator' && token.value === value;
  }

  private isName(value: string): boolean {
    const token = this.peek();
    return token !== undefined && token.type === 'name' && token.value === value;
  }

  private expectName(value?: string): Token {
    const token = this.peek();
    if (!token || token.type !== 'name' || (value !== undefined && token.value !== value)) {
      throw this.unexpected(value ? `'${value}'` : 'a name', token);
    }
    this.index++;
    return token;
  }

  private expectOperator(value: string): Token {
    const token = this.peek();
    if (!token || token.type !== 'operator' || token.value !== value) throw this.unexpected(`'${value}'`, token);
    this.index++;
    return token;
  }

  private expectEnd(): void {
    const token = this.peek();
    if (token) throw this.unexpected(`the end of the ${this.tag.kind === 'expression' ? 'expression' : 'statement'}`, token);
  }

  private unexpected(expected: string, token = this.peek()): ParseError {
    if (!token) {
      const closer = this.tag.kind === 'expression' ? '}}' : '%}';
      return new ParseError(`Expected ${expected} before '${closer}'.`, { start: this.tag.content.end, end: this.tag.end });
    }
    return new ParseError(`Expected ${expected}, found '${token.value}'.`, token);
  }
}

function unquote(literal: string): string {
  return literal.slice(1, -1).replace(/\\(.)/g, '$1');
}
