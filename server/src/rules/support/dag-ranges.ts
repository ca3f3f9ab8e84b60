import type { DagModel, FileModel, Range } from '../../analyzer/model';
import type { TextEdit } from '../rule';
import { pointRange } from '../text';
import { insertKeywordArgument, textOf } from './edits';

/**
 * Ranges and edits around a DAG's declaration that DAG-level rules share: where to report, and how
 * to add a keyword to `DAG(...)`, `@dag(...)` or a bare `@dag`.
 */

/** The `dag(...)` call of an `@dag(...)` decorator, or the `DAG(...)` call: the range keyword edits work on. */
export function dagCallRange(file: FileModel, dag: DagModel): Range | null {
  if (dag.declaration !== 'decorator') return dag.range;
  const args = dag.argumentsRange;
  if (!args) return null;
  const call = file.calls.find((candidate) => candidate.range.end.line === args.end.line && candidate.range.end.character === args.end.character
    && candidate.range.start.line === dag.range.start.line);
  return call ? call.range : null;
}

/** `@dag` (without arguments) as written: the `@` and the decorator's name, no trailing comment. */
function bareDecoratorName(text: string, dag: DagModel): Range | null {
  const written = textOf(text, dag.range);
  const name = /^@?[ \t]*[A-Za-z_][\w.]*/.exec(written);
  if (!name) return null;
  return { start: dag.range.start, end: { line: dag.range.start.line, character: dag.range.start.character + name[0].length } };
}

/**
 * Where a DAG-level finding goes: the dag id when written (small, readable even on a multi-line
 * call), else the `@dag(...)` decorator call or the `DAG(...)` call.
 */
export function dagReportRange(file: FileModel, text: string, dag: DagModel): Range {
  if (dag.declaration === 'decorator') {
    return (dag.argumentsRange ? dagCallRange(file, dag) : bareDecoratorName(text, dag)) ?? dag.range;
  }
  return dag.dagIdRange ?? dag.range;
}

/** Edits adding `keyword` (`catchup=False`) to the DAG's declaration, keeping its layout; null when unsure. */
export function insertDagKeyword(file: FileModel, text: string, dag: DagModel, keyword: string): TextEdit[] | null {
  if (dag.declaration === 'decorator' && dag.argumentsRange === null) {
    const name = bareDecoratorName(text, dag);
    return name ? [{ range: pointRange(name.end), newText: `(${keyword})` }] : null;
  }
  const call = dagCallRange(file, dag);
  return call ? insertKeywordArgument(file, text, call, keyword) : null;
}
