import type { CommentFact, Range } from '../analyzer/model';
import { LineIndex } from './text';
import type { Fix } from './rule';

/**
 * Suppression comments:
 *   `x >> y  # dagstudio: ignore[dag-cycle]`        findings that start on this line
 *   `# dagstudio: ignore[dag-cycle, heavy-xcom]`     several rules at once
 *   `# dagstudio: ignore-file[missing-retries]`      the whole file, wherever the comment stands
 * A bare `# dagstudio: ignore` (no brackets) silences every rule on its line, a bare
 * `# dagstudio: ignore-file` every rule in the file (for generated DAG files).
 */
export interface SuppressionDirective {
  scope: 'line' | 'file';
  /** The line the comment stands on. */
  line: number;
  /** The rule ids named, each with its own range (for reporting unknown ids); empty for a bare `ignore`. */
  ruleIds: { id: string; range: Range }[];
  /** The range of the directive inside the comment, `dagstudio: ignore[...]`. */
  range: Range;
  /** The range of the bracketed list's closing `]`, for adding ids; null for a bare `ignore`. */
  closingBracket: Range | null;
}

const DIRECTIVE = /dagstudio\s*:\s*(ignore-file|ignore)\b(?:\[([^\]\n]*)\])?/g;

/** Finds the suppression directives in the file's comments. Comments are single-line in Python. */
export function parseSuppressions(comments: readonly CommentFact[]): SuppressionDirective[] {
  const directives: SuppressionDirective[] = [];
  for (const comment of comments) {
    if (!comment.text.includes('dagstudio')) continue;
    const line = comment.range.start.line;
    const base = comment.range.start.character;
    DIRECTIVE.lastIndex = 0;
    for (let match = DIRECTIVE.exec(comment.text); match; match = DIRECTIVE.exec(comment.text)) {
      const scope = match[1] === 'ignore-file' ? 'file' : 'line';
      const ruleIds: SuppressionDirective['ruleIds'] = [];
      let closingBracket: Range | null = null;
      if (match[2] !== undefined) {
        const listStart = match.index + match[0].indexOf('[') + 1;
        const itemPattern = /[^,\s]+/g;
        for (let item = itemPattern.exec(match[2]); item; item = itemPattern.exec(match[2])) {
          const start = base + listStart + item.index;
          ruleIds.push({ id: item[0], range: lineRange(line, start, start + item[0].length) });
        }
        const close = base + match.index + match[0].length - 1;
        closingBracket = lineRange(line, close, close + 1);
      }
      directives.push({
        scope,
        line,
        ruleIds,
        range: lineRange(line, base + match.index, base + match.index + match[0].length),
        closingBracket,
      });
    }
  }
  return directives;
}

function lineRange(line: number, start: number, end: number): Range {
  return { start: { line, character: start }, end: { line, character: end } };
}

/** Answers "is this finding suppressed?" for one file. */
export class SuppressionIndex {
  private readonly fileWide = new Set<string>();
  private wholeFile = false;
  private readonly byLine = new Map<number, Set<string> | 'all'>();

  constructor(directives: readonly SuppressionDirective[]) {
    for (const directive of directives) {
      if (directive.scope === 'file') {
        if (directive.ruleIds.length === 0) this.wholeFile = true;
        for (const { id } of directive.ruleIds) this.fileWide.add(id);
        continue;
      }
      if (directive.ruleIds.length === 0) {
        this.byLine.set(directive.line, 'all');
        continue;
      }
      const existing = this.byLine.get(directive.line);
      if (existing === 'all') continue;
      const ids = existing ?? new Set<string>();
      for (const { id } of directive.ruleIds) ids.add(id);
      this.byLine.set(directive.line, ids);
    }
  }

  isSuppressed(ruleId: string, line: number): boolean {
    if (this.wholeFile || this.fileWide.has(ruleId)) return true;
    const onLine = this.byLine.get(line);
    return onLine === 'all' || (onLine !== undefined && onLine.has(ruleId));
  }
}

/**
 * The "Ignore <rule> on this line" edit: adds the id to an existing `ignore[...]` on the line, or
 * appends `  # dagstudio: ignore[<rule>]` (after any existing comment). Returns null when the line
 * ends inside a multi-line string, where a comment would become part of the string.
 */
export function ignoreOnLineFix(text: string, comments: readonly CommentFact[], ruleId: string, line: number): Fix | null {
  const index = new LineIndex(text);
  if (line < 0 || line >= index.lineCount) return null;
  const title = `Ignore ${ruleId} on this line`;
  const existing = parseSuppressions(comments.filter((comment) => comment.range.start.line === line))
    .find((directive) => directive.scope === 'line' && directive.closingBracket !== null);
  if (existing && existing.closingBracket) {
    if (existing.ruleIds.some(({ id }) => id === ruleId)) return null;
    const separator = existing.ruleIds.length > 0 ? ', ' : '';
    return { title, safe: true, edits: [{ range: { start: existing.closingBracket.start, end: existing.closingBracket.start }, newText: `${separator}${ruleId}` }] };
  }
  if (lineEndsInsideString(text, index, line)) return null;
  const lineText = index.lineText(line);
  const trimmedLength = lineText.trimEnd().length;
  const hasComment = comments.some((comment) => comment.range.start.line === line);
  const directive = `dagstudio: ignore[${ruleId}]`;
  const newText = hasComment ? `  # ${directive}` : `${trimmedLength === 0 ? '' : '  '}# ${directive}`;
  const at = { line, character: trimmedLength };
  return { title, safe: true, edits: [{ range: { start: at, end: { line, character: lineText.length } }, newText }] };
}

/**
 * The "Ignore <rule> in this file" edit: adds the id to an existing `ignore-file[...]`, or inserts a
 * `# dagstudio: ignore-file[<rule>]` line at the top (after a shebang and an encoding line).
 */
export function ignoreInFileFix(text: string, comments: readonly CommentFact[], ruleId: string): Fix | null {
  const title = `Ignore ${ruleId} in this file`;
  const existing = parseSuppressions(comments).find((directive) => directive.scope === 'file' && directive.closingBracket !== null);
  if (existing && existing.closingBracket) {
    if (existing.ruleIds.some(({ id }) => id === ruleId)) return null;
    const separator = existing.ruleIds.length > 0 ? ', ' : '';
    return { title, safe: true, edits: [{ range: { start: existing.closingBracket.start, end: existing.closingBracket.start }, newText: `${separator}${ruleId}` }] };
  }
  const index = new LineIndex(text);
  let line = 0;
  while (line < Math.min(2, index.lineCount) && /^#!|^#.*coding[:=]/.test(index.lineText(line))) line++;
  const at = { line, character: 0 };
  return { title, safe: true, edits: [{ range: { start: at, end: at }, newText: `# dagstudio: ignore-file[${ruleId}]${index.lineEnding()}` }] };
}

/**
 * True when the end of `line` lies inside a string literal (a triple-quoted string spanning lines, or
 * a backslash-continued one). A small scanner over the text before it: quotes, prefixes, escapes and comments.
 */
export function lineEndsInsideString(text: string, index: LineIndex, line: number): boolean {
  const end = index.lineContentEnd(line);
  let position = 0;
  while (position < end) {
    const char = text[position]!;
    if (char === '#') {
      while (position < text.length && text[position] !== '\n' && text[position] !== '\r') position++;
      continue;
    }
    if (char !== '"' && char !== "'") {
      position++;
      continue;
    }
    // Prefixes (`r`, `f`, `b`) do not matter here: even in raw strings a backslash keeps the next quote inside.
    const triple = text.startsWith(char.repeat(3), position);
    const quote = triple ? char.repeat(3) : char;
    position += quote.length;
    let closed = false;
    while (position < text.length) {
      const current = text[position]!;
      if (current === '\\') {
        position += 2;
        continue;
      }
      if (!triple && (current === '\n' || current === '\r')) {
        closed = true;
        break;
      }
      if (text.startsWith(quote, position)) {
        position += quote.length;
        closed = true;
        break;
      }
      position++;
    }
    if (!closed || position > end) return true;
  }
  return false;
}
