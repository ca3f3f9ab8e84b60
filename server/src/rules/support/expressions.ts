import type { AssignmentFact, CallFact, DagModel, ExprValue, FileModel, Range, TaskModel } from '../../analyzer/model';
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

/** Each file's calls sorted by start, when `file.calls` itself is not (it is, in document order, as the analyzer lists them). */
const sortedCalls = new WeakMap<FileModel, readonly CallFact[]>();

/**
 * The call fact written exactly at `range` (an `ExprValue` of kind `call`, a task's expression), so
 * rules can read a nested call's arguments. A binary search over the calls by start position: most
 * files ask this a handful of times per analysis, and an index by line cost more to build (a map and
 * an array per line of thousands of calls) than all the look-ups together.
 */
export function callAt(file: FileModel, range: Range): CallFact | undefined {
  const calls = callsByStart(file);
  const { line, character } = range.start;
  let low = 0;
  let high = calls.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    const start = calls[middle]!.range.start;
    if (start.line < line || (start.line === line && start.character < character)) low = middle + 1;
    else high = middle;
  }
  // Several calls may start at the same place (`f(x)(y)`, a chained call and its callee): take the first with the same range, as before.
  for (let index = low; index < calls.length; index++) {
    const call = calls[index]!;
    if (call.range.start.line !== line || call.range.start.character !== character) break;
    if (sameRange(call.range, range)) return call;
  }
  return undefined;
}

function callsByStart(file: FileModel): readonly CallFact[] {
  let calls = sortedCalls.get(file);
  if (!calls) {
    calls = isSortedByStart(file.calls) ? file.calls : [...file.calls].sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
    sortedCalls.set(file, calls);
  }
  return calls;
}

function isSortedByStart(calls: readonly CallFact[]): boolean {
  for (let index = 1; index < calls.length; index++) {
    const previous = calls[index - 1]!.range.start;
    const current = calls[index]!.range.start;
    if (current.line < previous.line || (current.line === previous.line && current.character < previous.character)) return false;
  }
  return true;
}

/**
 * Calls `visit` with every argument value of every call in the file and every assignment's value,
 * nested list and dict items included: the places where DAG code writes literals. `name` is the
 * keyword (`password=`), dict key (`"password":`) or assignment target the value is given to, null for
 * positional arguments and list items. A nested call's own arguments belong to its own call fact, so
 * each value is visited once. Allocates nothing: large files have tens of thousands of values.
 */
export function forEachWrittenValue(file: FileModel, visit: (name: string | null, value: ExprValue) => void): void {
  forEachWritingFact(file, (fact) => forEachValueWrittenBy(fact, visit));
}

/** A call or assignment: what writes values in the file. */
export type WritingFact = CallFact | AssignmentFact;

/** Every call and assignment of the file, each once. */
export function forEachWritingFact(file: FileModel, visit: (fact: WritingFact) => void): void {
  for (const call of file.calls) visit(call);
  for (const assignment of file.assignments) visit(assignment);
}

/** The values one call or assignment writes, as {@link forEachWrittenValue} visits them. */
export function forEachValueWrittenBy(fact: WritingFact, visit: (name: string | null, value: ExprValue) => void): void {
  if ('target' in fact) {
    visitWritten(fact.target, fact.value, visit);
    return;
  }
  for (const value of fact.positional) visitWritten(null, value, visit);
  // for-in reads the record's cached key list; `Object.keys` would copy it for each of thousands of calls.
  const keywords = fact.keywords;
  for (const name in keywords) {
    const keyword = keywords[name]!;
    visitWritten(keyword.name, keyword.value, visit);
  }
}

function visitWritten(name: string | null, value: ExprValue, visit: (name: string | null, value: ExprValue) => void): void {
  visit(name, value);
  if (value.items) for (const item of value.items) visitWritten(null, item, visit);
  const entries = value.entries;
  if (entries) {
    for (const key in entries) {
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
