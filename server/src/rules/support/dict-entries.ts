import type { DefaultArgs, FileModel, KeywordArgument } from '../../analyzer/model';
import type { TextEdit } from '../rule';
import { lineIndexOf, pointRange } from '../text';
import { identifierOccurrences, indentationOf, insertKeywordArgument, addImport, textOf } from './edits';

/**
 * Edits that add entries to a `default_args` dict written in this file — `{...}` or `dict(...)` —
 * keeping its layout (one entry per line stays one per line) and its quote style. Null when the dict
 * is not written in a form the edit can be sure about.
 */
export function insertDictEntries(file: FileModel, text: string, defaults: DefaultArgs, entries: [string, string][]): TextEdit[] | null {
  if (defaults.dynamic || defaults.form === 'unknown' || entries.length === 0) return null;
  if (defaults.form === 'dict-call') {
    return insertKeywordArgument(file, text, defaults.range, entries.map(([key, value]) => `${key}=${value}`).join(', '));
  }
  const written = textOf(text, defaults.range);
  if (!written.startsWith('{') || !written.endsWith('}')) return null;
  const lines = lineIndexOf(text);
  const existing = Object.values(defaults.entries);
  const quote = quoteStyle(text, existing);
  const rendered = entries.map(([key, value]) => `${quote}${key}${quote}: ${value}`);
  if (existing.length === 0) {
    if (written.slice(1, -1).trim() !== '') return null;
    return [{ range: { start: { ...defaults.range.start, character: defaults.range.start.character + 1 }, end: { ...defaults.range.end, character: defaults.range.end.character - 1 } }, newText: rendered.join(', ') }];
  }
  const last = existing.reduce((latest, entry) => (lines.offsetAt(entry.range.end) > lines.offsetAt(latest.range.end) ? entry : latest));
  const lastEnd = lines.offsetAt(last.range.end);
  const closeOffset = lines.offsetAt(defaults.range.end) - 1;
  const closeLine = defaults.range.end.line;
  if (closeLine === last.range.end.line) {
    return [{ range: pointRange(last.range.end), newText: `, ${rendered.join(', ')}` }];
  }
  const indent = last.range.start.line > defaults.range.start.line ? indentationOf(text, last.range.start.line) : `${indentationOf(text, defaults.range.start.line)}    `;
  const newline = lines.lineEnding();
  const trailingComma = /^[ \t]*,/.test(text.slice(lastEnd, closeOffset));
  const lineEnd = pointRange(lines.positionAt(lines.lineContentEnd(last.range.end.line)));
  if (trailingComma) {
    return [{ range: lineEnd, newText: rendered.map((entry) => `${newline}${indent}${entry},`).join('') }];
  }
  return [
    { range: pointRange(last.range.end), newText: ',' },
    { range: lineEnd, newText: rendered.map((entry, index) => `${newline}${indent}${entry}${index < rendered.length - 1 ? ',' : ''}`).join('') },
  ];
}

function quoteStyle(text: string, entries: KeywordArgument[]): string {
  for (const entry of entries) {
    const first = textOf(text, entry.nameRange)[0];
    if (first === '"' || first === "'") return first;
  }
  return '"';
}

/**
 * A `timedelta(minutes=N)` expression written with what the file already imports (`timedelta`,
 * `datetime.timedelta`, `pendulum.duration`), plus the import to add when there is none. Null when
 * the name `timedelta` is already taken by something else.
 */
export function durationExpression(file: FileModel, text: string, minutes: number): { expression: string; imports: TextEdit[] } | null {
  const symbol = file.imports.find((fact) => fact.kind === 'symbol' && fact.qualifiedName === 'datetime.timedelta');
  if (symbol) return { expression: `${symbol.localName}(minutes=${minutes})`, imports: [] };
  const datetimeModule = file.imports.find((fact) => fact.kind === 'module' && fact.qualifiedName === 'datetime');
  if (datetimeModule) return { expression: `${datetimeModule.localName}.timedelta(minutes=${minutes})`, imports: [] };
  const pendulumModule = file.imports.find((fact) => fact.kind === 'module' && fact.qualifiedName === 'pendulum');
  if (pendulumModule) return { expression: `${pendulumModule.localName}.duration(minutes=${minutes})`, imports: [] };
  if (identifierOccurrences(text, 'timedelta') > 0) return null;
  return { expression: `timedelta(minutes=${minutes})`, imports: [addImport(file, text, 'from datetime import timedelta')] };
}
