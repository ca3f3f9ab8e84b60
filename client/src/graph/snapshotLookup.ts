import type { GraphDag, GraphSnapshot, GraphTask } from '../../../protocol/lsp';
import type { Position, Range } from '../../../server/src/analyzer/model';

/**
 * Questions the extension asks of a graph snapshot: which task is under the cursor, where a task is.
 * Pure, so they are tested without VS Code.
 */

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

function contains(range: Range, position: Position): boolean {
  return !before(position, range.start) && !before(range.end, position);
}

/** The innermost task whose creating expression contains `position`, with its DAG; null when none does. */
export function taskAt(snapshot: GraphSnapshot, position: Position): { dag: GraphDag; task: GraphTask } | null {
  let best: { dag: GraphDag; task: GraphTask } | null = null;
  for (const dag of snapshot.dags) {
    if (!contains(dag.range, position) && dag.tasks.every((task) => !contains(task.range, position))) continue;
    for (const task of dag.tasks) {
      if (!contains(task.range, position)) continue;
      if (!best || contains(best.task.range, task.range.start)) best = { dag, task };
    }
  }
  return best;
}

/** The task named `taskId` in the DAG named `dagId` (or in any DAG of the file when that one lacks it). */
export function findTask(snapshot: GraphSnapshot, dagId: string | null, taskId: string): GraphTask | null {
  const preferred = snapshot.dags.find((dag) => dag.dagId === dagId);
  const inPreferred = preferred?.tasks.find((task) => task.taskId === taskId);
  if (inPreferred) return inPreferred;
  for (const dag of snapshot.dags) {
    const task = dag.tasks.find((candidate) => candidate.taskId === taskId);
    if (task) return task;
  }
  return null;
}

/** "Show graph · 12 tasks": the CodeLens title above a DAG. */
export function codeLensTitle(dag: GraphDag): string {
  const count = dag.tasks.length;
  return `Show graph · ${count} task${count === 1 ? '' : 's'}`;
}
