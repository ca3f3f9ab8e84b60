import type { FileModel, KeywordArgument, Range } from '../../analyzer/model';
import type { TextEdit } from '../rule';
import { lineIndexOf, pointRange } from '../text';
import { callAt } from './expressions';

/**
 * Minimal text edits the catalogue's fixes are made of: add a keyword to a call, replace or remove an
 * argument, rename a keyword, add an import. Each keeps the user's layout (one argument per line stays
 * one per line, a trailing comma stays) and returns null when the text is not what the model said,
 * so a fix is never built on a guess.
 */

/** The source text of a range. */
export function textOf(text: string, range: Range): string {
  const lines = lineIndexOf(text);
  return text.slice(lines.offsetAt(range.start), lines.offsetAt(range.end));
}

/** The leading whitespace of a line. */
export function indentationOf(text: string, line: number): string {
  return /^[ \t]*/.exec(lineIndexOf(text).lineText(line))![0];
}

/**
 * Edits that add `keyword` (`name=value`, already formatted) to the call written at `callRange`.
 * For a mapped task (`Op.partial(...).expand(...)`) the keyword goes into `partial(...)`.
 */
export function insertKeywordArgument(file: FileModel, text: string, callRange: Range, keyword: string): TextEdit[] | null {
  const call = findInsertionCall(file, text, callRange);
  if (!call) return null;
  const lines = lineIndexOf(text);
  const start = lines.offsetAt(call.range.start);
  const end = lines.offsetAt(call.range.end);
  if (text[end - 1] !== ')') return null;
  const open = text.indexOf('(', start + call.calleeText.length);
  if (open < 0 || open >= end) return null;
  const close = end - 1;

  const argumentEnds = [
    ...call.positional.map((value) => value.range.end),
    ...Object.values(call.keywords).map((argument) => argument.range.end),
  ].map((position) => lines.offsetAt(position));
  if (argumentEnds.length === 0) {
    if (text.slice(open + 1, close).trim() !== '') return null;
    return [{ range: pointRange(lines.positionAt(open + 1)), newText: keyword }];
  }
  const lastEnd = Math.max(...argumentEnds);
  const lastEndPosition = lines.positionAt(lastEnd);
  const closePosition = lines.positionAt(close);
  const afterLast = text.slice(lastEnd, close);
  const trailingComma = /^[ \t]*,/.exec(afterLast);

  if (closePosition.line === lastEndPosition.line) {
    // One line: `Op(a=1)` → `Op(a=1, kw)`.
    return [{ range: pointRange(lastEndPosition), newText: `, ${keyword}` }];
  }
  // One argument per line: add a line after the last argument, matching its indentation.
  const lastArgumentLine = lastEndPosition.line;
  const indent = argumentIndentation(text, call.range.start.line, lastArgumentLine);
  const lineEnd = lines.positionAt(lines.lineContentEnd(lastArgumentLine));
  const newline = lines.lineEnding();
  if (trailingComma) {
    return [{ range: pointRange(lineEnd), newText: `${newline}${indent}${keyword},` }];
  }
  return [
    { range: pointRange(lastEndPosition), newText: ',' },
    { range: pointRange(lineEnd), newText: `${newline}${indent}${keyword}` },
  ];
}

function argumentIndentation(text: string, callLine: number, lastArgumentLine: number): string {
  if (lastArgumentLine > callLine) return indentationOf(text, lastArgumentLine);
  return `${indentationOf(text, callLine)}    `;
}

function findInsertionCall(file: FileModel, text: string, callRange: Range) {
  const direct = callAt(file, callRange);
  if (direct && !/\)\s*\.\s*(expand|expand_kwargs)\s*\(/.test(textOf(text, callRange))) return direct;
  // A mapped task's range covers `Op.partial(...).expand(...)`: find the `partial` call inside it.
  return file.calls.find((call) => call.range.start.line === callRange.start.line
    && call.range.start.character === callRange.start.character
    && /\.partial$/.test(call.calleeText)) ?? direct;
}

/** Replaces an argument's value, keeping its name and position. */
export function replaceValue(argument: KeywordArgument, newText: string): TextEdit {
  return { range: argument.value.range, newText };
}

/** Renames a keyword argument (`schedule_interval=` → `schedule=`) or a dict key, keeping its quotes. */
export function renameKeyword(text: string, argument: KeywordArgument, newName: string): TextEdit {
  const written = textOf(text, argument.nameRange);
  const quote = /^['"]/.exec(written)?.[0];
  return { range: argument.nameRange, newText: quote ? `${quote}${newName}${quote}` : newName };
}

/**
 * Removes an argument or dict entry with its separating comma. When it sits alone on its line(s),
 * the whole lines go, so no blank line is left behind.
 */
export function removeArgument(text: string, range: Range): TextEdit | null {
  const lines = lineIndexOf(text);
  let start = lines.offsetAt(range.start);
  let end = lines.offsetAt(range.end);
  const lineStart = lines.offsetAt({ line: range.start.line, character: 0 });
  const before = text.slice(lineStart, start);
  const afterMatch = /^[ \t]*,?[ \t]*(#[^\r\n]*)?(\r\n|\n|\r)/.exec(text.slice(end));
  if (/^[ \t]*$/.test(before) && afterMatch && !afterMatch[1]) {
    // `    provide_context=True,\n` → remove the whole line.
    return { range: { start: lines.positionAt(lineStart), end: lines.positionAt(end + afterMatch[0].length) }, newText: '' };
  }
  const following = /^\s*,[ \t]*/.exec(text.slice(end));
  if (following) {
    end += following[0].length;
  } else {
    const preceding = /,\s*$/.exec(text.slice(Math.max(0, start - 200), start));
    if (!preceding) return null;
    start -= preceding[0].length;
  }
  return { range: { start: lines.positionAt(start), end: lines.positionAt(end) }, newText: '' };
}

/**
 * An edit adding `statement` (`import pendulum`) on its own line after the file's last top-level
 * import, or at the top when there is none.
 */
export function addImport(file: FileModel, text: string, statement: string): TextEdit {
  const lines = lineIndexOf(text);
  const topLevel = file.imports.filter((fact) => fact.statementRange.start.character === 0);
  const newline = lines.lineEnding();
  if (topLevel.length === 0) return { range: pointRange({ line: 0, character: 0 }), newText: `${statement}${newline}` };
  const lastLine = Math.max(...topLevel.map((fact) => fact.statementRange.end.line));
  return { range: pointRange(lines.positionAt(lines.lineContentEnd(lastLine))), newText: `${newline}${statement}` };
}

/** The local name under which `module` is imported as a module (`import pendulum as pdl` → `pdl`), if it is. */
export function moduleAlias(file: FileModel, module: string): string | null {
  const fact = file.imports.find((candidate) => candidate.kind === 'module' && candidate.qualifiedName === module
    && candidate.statementRange.start.character === 0);
  return fact ? fact.localName : null;
}

const identifierCounts = new Map<string, Map<string, number>>();

/**
 * How many times an identifier occurs in `text` as code: outside comments and plain string literals,
 * but inside f-strings (whose `{...}` parts are code; their literal text only makes the count larger).
 * Fixes that rename compare it with the uses they found, to prove they found them all. Counted once
 * per text.
 */
export function identifierOccurrences(text: string, name: string): number {
  let counts = identifierCounts.get(text);
  if (!counts) {
    identifierCounts.clear();
    const found = new Map<string, number>();
    const count = (word: string) => found.set(word, (found.get(word) ?? 0) + 1);
    const pattern = /([rRbBuUfF]{1,2})?("""[\s\S]*?(?:"""|$)|'''[\s\S]*?(?:'''|$)|"(?:[^"\\\r\n]|\\.)*"?|'(?:[^'\\\r\n]|\\.)*'?)|#[^\r\n]*|[A-Za-z_][A-Za-z0-9_]*/g;
    for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
      const token = match[0];
      if (match[2] !== undefined) {
        if (/[fF]/.test(match[1] ?? '')) for (const word of match[2].match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []) count(word);
      } else if (token.charCodeAt(0) !== 35 /* # */) {
        count(token);
      }
    }
    identifierCounts.set(text, (counts = found));
  }
  return counts.get(name) ?? 0;
}

const PYTHON_KEYWORDS = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del',
  'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal',
  'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield', 'match', 'case', 'type',
]);

/** True for a name usable as a Python variable (not a keyword). */
export function isIdentifier(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !PYTHON_KEYWORDS.has(name);
}

/** Occurrences of `word` as a whole identifier in a short snippet (an import statement). */
export function countWord(snippet: string, word: string): number {
  let count = 0;
  for (const match of snippet.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) if (match[0] === word) count++;
  return count;
}
