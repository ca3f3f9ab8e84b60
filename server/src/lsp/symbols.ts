import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver';
import type { DagModel, FileModel, Range, TaskModel } from '../analyzer/model';

/**
 * The outline of a file: each DAG, its TaskGroups nested by parent, and its tasks inside their
 * innermost group. A parent's range is widened to cover its children so breadcrumbs and "follow cursor"
 * work even when a task is created away from its group's `with` block (helpers, factories).
 */
export function documentSymbols(file: FileModel): DocumentSymbol[] {
  return file.dags.map(dagSymbol);
}

function dagSymbol(dag: DagModel): DocumentSymbol {
  const groupSymbols = new Map<string, DocumentSymbol>();
  for (const group of dag.groups) {
    groupSymbols.set(group.groupId, symbol(group.groupId, 'TaskGroup', SymbolKind.Namespace, group.range, group.range));
  }
  const roots: DocumentSymbol[] = [];
  for (const group of dag.groups) {
    const own = groupSymbols.get(group.groupId)!;
    const parent = group.parent ? groupSymbols.get(group.parent) : undefined;
    (parent ? parent.children! : roots).push(own);
  }
  for (const task of dag.tasks) {
    const parent = task.group ? groupSymbols.get(task.group) : undefined;
    (parent ? parent.children! : roots).push(taskSymbol(task));
  }
  const name = dag.dagId ?? '(dynamic dag_id)';
  const detail = [dag.schedule !== null ? `schedule ${dag.schedule}` : null, `${dag.tasks.length} task${dag.tasks.length === 1 ? '' : 's'}`]
    .filter((part) => part !== null)
    .join(' · ');
  const root = symbol(name, detail, SymbolKind.Module, dag.functionRange ?? dag.range, dag.dagIdRange ?? dag.range);
  root.children = roots;
  sortAndWiden(root);
  return root;
}

function taskSymbol(task: TaskModel): DocumentSymbol {
  const kind = task.kind === 'taskflow' ? SymbolKind.Function : SymbolKind.Object;
  const selection = task.taskIdRange && contains(task.range, task.taskIdRange) ? task.taskIdRange : task.range;
  const detail = task.mapped ? `${task.operator} (mapped)` : task.operator;
  const result = symbol(task.taskId, detail, kind, task.range, selection);
  delete result.children;
  return result;
}

function symbol(name: string, detail: string, kind: SymbolKind, range: Range, selectionRange: Range): DocumentSymbol {
  const safeSelection = contains(range, selectionRange) ? selectionRange : range;
  return { name: name.length > 0 ? name : '(empty id)', detail, kind, range, selectionRange: safeSelection, children: [] };
}

/** Orders children by position and makes every parent's range cover its children's. */
function sortAndWiden(parent: DocumentSymbol): void {
  const children = parent.children;
  if (!children || children.length === 0) return;
  for (const child of children) sortAndWiden(child);
  children.sort((a, b) => compare(a.range.start, b.range.start));
  let { start, end } = parent.range;
  for (const child of children) {
    if (compare(child.range.start, start) < 0) start = child.range.start;
    if (compare(child.range.end, end) > 0) end = child.range.end;
  }
  parent.range = { start, end };
}

function compare(a: Range['start'], b: Range['start']): number {
  return a.line - b.line || a.character - b.character;
}

function contains(outer: Range, inner: Range): boolean {
  return compare(outer.start, inner.start) <= 0 && compare(inner.end, outer.end) <= 0;
}
