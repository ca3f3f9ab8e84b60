import type { ExprValue, FileModel, Position, Range } from '../../analyzer/model';
import { rangeKey, walkValues } from './expressions';
import { textOf } from './edits';
import { lineIndexOf } from '../text';

/**
 * Every place the model shows a module-level name being used: as a callee (`Name(...)`,
 * `name.method(...)`), as an argument or a value inside one (`[name]`, `name.output`), in an
 * assignment's value, in a dependency statement (`name >> other`) and as a decorator (`@name`).
 * Renaming fixes compare the count with `identifierOccurrences` to prove they found them all.
 */
export function nameUses(file: FileModel, text: string, name: string): Map<string, Range> {
  const uses = new Map<string, Range>();
  const add = (start: Position) => {
    const range = { start, end: { line: start.line, character: start.character + name.length } };
    if (textOf(text, range) === name) uses.set(rangeKey(range), range);
  };
  const usesName = (written: string) => written === name || written.startsWith(`${name}.`) || written.startsWith(`${name}(`);
  const visit = (root: ExprValue) => {
    for (const value of walkValues(root)) {
      if ((value.kind === 'name' || value.kind === 'attribute' || value.kind === 'call') && usesName(value.text)) add(value.range.start);
    }
  };
  for (const call of file.calls) {
    if (call.calleeText === name || call.calleeText.startsWith(`${name}.`)) add(call.range.start);
    for (const value of call.positional) visit(value);
    for (const keyword of Object.values(call.keywords)) visit(keyword.value);
  }
  for (const assignment of file.assignments) visit(assignment.value);

  const lines = lineIndexOf(text);
  const pattern = new RegExp(`(?<![\\w.])${name}(?!\\w)`, 'g');
  const scanned = new Set<string>();
  for (const dag of file.dags) {
    for (const edge of dag.edges) {
      for (const range of [edge.range, ...(edge.redeclarations ?? [])]) {
        const key = rangeKey(range);
        if (scanned.has(key)) continue;
        scanned.add(key);
        const base = lines.offsetAt(range.start);
        const source = blankStrings(textOf(text, range));
        for (const match of source.matchAll(pattern)) add(lines.positionAt(base + match.index!));
      }
    }
  }
  for (const fn of file.functions) {
    // Decorators (`@task`, `@dag(...)`) sit on the lines above the `def`.
    for (let line = fn.nameRange.start.line - 1; line >= 0 && line >= fn.nameRange.start.line - 10; line--) {
      const match = /^([ \t]*@)(\w+)/.exec(lines.lineText(line));
      if (!match) break;
      if (match[2] === name) add({ line, character: match[1]!.length });
    }
  }
  return uses;
}

/** The text with the contents of string literals replaced by spaces, so names inside them are not matched. */
function blankStrings(source: string): string {
  return source.replace(/"(?:[^"\\\r\n]|\\.)*"|'(?:[^'\\\r\n]|\\.)*'/g, (literal) => ' '.repeat(literal.length));
}
