import type { CallFact, DagModel, ExprValue, FileModel, Range, TaskModel } from '../../analyzer/model';
import { textOf } from './edits';

/**
 * Small, allocation-light helpers the catalogue rules share for reading model facts: range keys and
 * containment, walking nested literals, and finding the call fact written at a given range.
 */

/** A string that identifies a range, for maps and sets. */
export function rangeKey(range: Range): string {
  return `${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}`;
}

export function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character
    && a.end.line === b.end.line && a.end.character === b.end.character;
}

/** True when `inner` lies within `outer` (bounds included). */
export function containsRange(outer: Range, inner: Range): boolean {
  const startsAfter = inner.start.line > outer.start.line
    || (inner.start.line === outer.start.line && inner.start.character >= outer.start.character);
  const endsBefore = inner.end.line < outer.end.line
    || (inner.end.line === outer.end.line && inner.end.character <= outer.end.character);
  return startsAfter && endsBefore;
}

/** The value itself, then every list/tuple item and dict entry value inside it, depth first. */
export function* walkValues(value: ExprValue): Generator<ExprValue> {
  yield value;
  if (value.items) for (const item of value.items) yield* walkValues(item);
  if (value.entries) for (const entry of Object.values(value.entries)) yield* walkValues(entry.value);
}

/** The literal string a value holds, when it is a plain (non-f) string the model knows. */
export function literalString(value: ExprValue | undefined): string | null {
  if (!value || value.kind !== 'string') return null;
  return typeof value.value === 'string' ? value.value : null;
}

/** The literal number a value holds, when known. */
export function literalNumber(value: ExprValue | undefined): number | null {
  if (!value) return null;
  return typeof value.value === 'number' ? value.value : null;
}

/** The literal boolean a value holds, when known. */
export function literalBoolean(value: ExprValue | undefined): boolean | null {
  if (!value) return null;
  return typeof value.value === 'boolean' ? value.value : null;
}

/** `airflow.operators.python.PythonOperator` → `PythonOperator`. */
export function lastSegment(qualifiedName: string): string {
  const dot = qualifiedName.lastIndexOf('.');
  return dot < 0 ? qualifiedName : qualifiedName.slice(dot + 1);
}

const callsByStartLine = new WeakMap<FileModel, Map<number, CallFact[]>>();

/**
 * The call fact written exactly at `range` (an `ExprValue` of kind `call`, a task's expression), so
 * rules can read a nested call's arguments. Indexed once per file model by start line (numbers, not
 * range strings: building a string key for each of thousands of calls cost more than the look-ups) and
 * shared by all rules.
 */
export function callAt(file: FileModel, range: Range): CallFact | undefined {
  let index = callsByStartLine.get(file);
  if (!index) {
    index = new Map();
    for (const call of file.calls) {
      const line = call.range.start.line;
      const onLine = index.get(line);
      if (onLine) onLine.push(call);
      else index.set(line, [call]);
    }
    callsByStartLine.set(file, index);
  }
  const candidates = index.get(range.start.line);
  return candidates?.find((call) => sameRange(call.range, range));
}

/**
 * Calls `visit` with every argument value of every call in the file and every assignment's value,
 * nested list and dict items included: the places where DAG code writes literals. `name` is the
 * keyword (`password=`), dict key (`"password":`) or assignment target the value is given to, null for
 * positional arguments and list items. A nested call's own arguments belong to its own call fact, so
 * each value is visited once. Allocates nothing: large files have tens of thousands of values.
 */
export function forEachWrittenValue(file: FileModel, visit: (name: string | null, value: ExprValue) => void): void {
  for (const call of file.calls) {
    for (const value of call.positional) visitWritten(null, value, visit);
    // Object.keys: the model's keyword records have no prototype, and V8 enumerates such objects faster this way than with for-in.
    const keywords = call.keywords;
    for (const name of Object.keys(keywords)) {
      const keyword = keywords[name]!;
      visitWritten(keyword.name, keyword.value, visit);
    }
  }
  for (const assignment of file.assignments) visitWritten(assignment.target, assignment.value, visit);
}

function visitWritten(name: string | null, value: ExprValue, visit: (name: string | null, value: ExprValue) => void): void {
  visit(name, value);
  if (value.items) for (const item of value.items) visitWritten(null, item, visit);
  const entries = value.entries;
  if (entries) {
    for (const key of Object.keys(entries)) {
      const entry = entries[key]!;
      visitWritten(entry.name, entry.value, visit);
    }
  }
}

/** The name an argument was given, lower-cased with `-` folded to `_`, for pattern matching. */
export function normalizedName(name: string): string {
  return name.toLowerCase().replace(/-/g, '_');
}

/**
 * Every task of every DAG of the file, in order. A plain loop: `flatMap` copies the task arrays
 * element by element through its generic path, which showed in profiles of 2,000-task files.
 */
export function tasksOfDags(file: FileModel): TaskModel[] {
  const tasks: TaskModel[] = [];
  for (const dag of file.dags) for (const task of dag.tasks) tasks.push(task);
  return tasks;
}

/** `"sales"`, or `(computed id)` when the DAG id is only known at run time: for messages. */
export function dagLabel(dag: Pick<DagModel, 'dagId'>): string {
  return dag.dagId === null ? '(computed id)' : `"${dag.dagId}"`;
}

/** True when the DAG call unpacks `**kwargs`: any argument may be among them, so absence proves nothing. */
export function hasUnpackedArguments(text: string, dag: Pick<DagModel, 'argumentsRange'>): boolean {
  return dag.argumentsRange !== null && /(^|[(,\s])\*\*[A-Za-z_]/.test(textOf(text, dag.argumentsRange));
}

/**
 * Where to point at a task: its `task_id` value, or for a TaskFlow task the call that creates it (its
 * id comes from the function name, which several calls may share).
 */
export function taskRange(task: TaskModel): Range {
  if (task.kind === 'taskflow' || !task.taskIdRange) return task.range;
  return task.taskIdRange;
}
