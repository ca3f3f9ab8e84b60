import type { EdgeModel, Range } from '../analyzer/model';
import type { Fix, Rule } from './rule';
import { comparePositions, compareRanges, lineIndexOf } from './text';
import { containsRange, rangeKey } from './support/expressions';
import { textOf } from './support/edits';
import { deduplicated } from './support/report';

/**
 * The same dependency declared twice in one DAG (`extract >> load` here and again further down), as
 * the model records it in `EdgeModel.redeclarations`; one declaration run several times by a loop is
 * one declaration.
 */
export const duplicateDependency: Rule = {
  meta: {
    id: 'duplicate-dependency',
    summary: 'The same dependency between two tasks is declared more than once.',
    defaultSeverity: 'warning',
    category: 'structure',
    fix: 'safe',
    messages: {
      duplicate: 'The dependency {from} >> {to} is already declared; this repeat has no effect.',
    },
    docs: {
      whatItDoes:
        'Finds a dependency between two tasks (`>>`, `<<`, `set_downstream`, `set_upstream`, `chain`, …) declared again after it was already declared in the same DAG, and points at the earlier declaration.',
      whyIsThisBad:
        'Airflow keeps one edge whatever the number of declarations, so the repeat does nothing — which is usually the sign of a copy-paste slip: the line was meant to wire a different task, and that dependency is now missing. Redundant wiring also makes the shape of a large DAG harder to read in review.',
      example: [
        'extract >> transform >> load',
        'transform >> load',
      ].join('\n'),
      useInstead: 'extract >> transform >> load',
      fixSafety:
        'The fix deletes the repeated statement only when it declares nothing but repeats (a whole statement on its own lines, with another statement left in its block); removing an edge that is declared elsewhere never changes the DAG. Repeats inside a longer statement are reported without a fix.',
    },
  },
  check(checkContext) {
    const context = deduplicated(checkContext);
    const { text } = context;
    for (const dag of context.file.dags) {
      const repeats: { edge: EdgeModel; range: Range }[] = [];
      for (const edge of dag.edges) {
        if (!edge.redeclarations) continue;
        // Restating a TaskFlow data dependency or a TaskGroup edge with `>>` is common and harmless.
        if (edge.kind !== 'explicit') continue;
        for (const range of edge.redeclarations ?? []) {
          // Two views of one chained statement are one declaration.
          if (containsRange(edge.range, range) || containsRange(range, edge.range)) continue;
          // Restating an edge to put a Label on it changes what the graph shows.
          if (/\bLabel\s*\(|edge_modifier\s*=/.test(textOf(text, range))) continue;
          repeats.push({ edge, range });
        }
      }
      if (repeats.length === 0) continue;
      const firsts = new Set(dag.edges.map((edge) => rangeKey(edge.range)));
      // Declarations by start line: a fix looks only at those on the lines of its statement.
      const declarationsByLine = new Map<number, Range[]>();
      for (const declaration of [...dag.edges.map((edge) => edge.range), ...repeats.map((repeat) => repeat.range)]) {
        const onLine = declarationsByLine.get(declaration.start.line);
        if (onLine) onLine.push(declaration);
        else declarationsByLine.set(declaration.start.line, [declaration]);
      }
      for (const { edge, range } of repeats.sort((a, b) => compareRanges(a.range, b.range))) {
        const fix = removalFix(text, range, declarationsByLine, firsts);
        context.report({
          messageId: 'duplicate',
          args: { from: edge.from, to: edge.to },
          range,
          related: [{ message: `${edge.from} >> ${edge.to} first declared here`, range: edge.range }],
          ...(fix ? { fixes: [fix] } : {}),
        });
      }
    }
  },
};

/**
 * Deletes the lines of the statement declaring `repeat` when that statement stands alone on its lines,
 * declares only repeats, and is not the only statement of its block (Python needs one there).
 */
function removalFix(text: string, repeat: Range, declarationsByLine: ReadonlyMap<number, readonly Range[]>, firsts: ReadonlySet<string>): Fix | null {
  const lines = lineIndexOf(text);
  const firstLine = repeat.start.line;
  const lastLine = repeat.end.line;
  const onLines: Range[] = [];
  for (let line = firstLine; line <= lastLine; line++) {
    for (const range of declarationsByLine.get(line) ?? []) if (range.end.line <= lastLine) onLines.push(range);
  }
  if (onLines.some((range) => firsts.has(rangeKey(range)))) return null;
  const span: Range = {
    start: onLines.reduce((min, range) => (comparePositions(range.start, min) < 0 ? range.start : min), repeat.start),
    end: onLines.reduce((max, range) => (comparePositions(range.end, max) > 0 ? range.end : max), repeat.end),
  };
  const statement = textOf(text, span).trim();
  const written = textOf(text, { start: { line: firstLine, character: 0 }, end: { line: lastLine, character: lines.lineText(lastLine).length } })
    .replace(/#[^\r\n]*$/, '')
    .trim();
  if (statement !== written) return null;
  const indent = /^[ \t]*/.exec(lines.lineText(firstLine))![0];
  if (!hasSiblingStatement(lines, firstLine, lastLine, indent)) return null;
  const start = { line: firstLine, character: 0 };
  const end = lastLine + 1 < lines.lineCount
    ? { line: lastLine + 1, character: 0 }
    : { line: lastLine, character: lines.lineText(lastLine).length };
  return { title: 'Remove the repeated dependency', edits: [{ range: { start, end }, newText: '' }], safe: true };
}

function hasSiblingStatement(lines: ReturnType<typeof lineIndexOf>, firstLine: number, lastLine: number, indent: string): boolean {
  const isCode = (line: number) => {
    const content = lines.lineText(line).trim();
    return content !== '' && !content.startsWith('#');
  };
  for (let line = firstLine - 1; line >= 0; line--) {
    if (!isCode(line)) continue;
    const lineIndent = /^[ \t]*/.exec(lines.lineText(line))![0];
    if (lineIndent.length < indent.length) break;
    if (lineIndent === indent) return true;
  }
  for (let line = lastLine + 1; line < lines.lineCount; line++) {
    if (!isCode(line)) continue;
    return /^[ \t]*/.exec(lines.lineText(line))![0] === indent;
  }
  return false;
}
