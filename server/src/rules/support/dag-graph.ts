import type { DagModel, TaskModel } from '../../analyzer/model';

/** A DAG's dependencies as adjacency sets by task id, built once per DAG model and shared by rules. */
export interface DagGraph {
  tasksById: Map<string, TaskModel>;
  downstream: Map<string, Set<string>>;
  upstream: Map<string, Set<string>>;
}

const graphs = new WeakMap<DagModel, DagGraph>();

export function dagGraph(dag: DagModel): DagGraph {
  let graph = graphs.get(dag);
  if (graph) return graph;
  graph = { tasksById: new Map(), downstream: new Map(), upstream: new Map() };
  for (const task of dag.tasks) {
    if (!graph.tasksById.has(task.taskId)) graph.tasksById.set(task.taskId, task);
  }
  for (const edge of dag.edges) {
    link(graph.downstream, edge.from, edge.to);
    link(graph.upstream, edge.to, edge.from);
  }
  graphs.set(dag, graph);
  return graph;
}

function link(map: Map<string, Set<string>>, from: string, to: string): void {
  let set = map.get(from);
  if (!set) map.set(from, (set = new Set()));
  set.add(to);
}

/** Every task reachable downstream of `start` (excluded), bounded by the DAG's size. */
export function reachableFrom(graph: DagGraph, start: string): Set<string> {
  const seen = new Set<string>();
  const stack = [...(graph.downstream.get(start) ?? [])];
  while (stack.length > 0) {
    const current = stack.pop()!;
    if (seen.has(current)) continue;
    seen.add(current);
    for (const next of graph.downstream.get(current) ?? []) if (!seen.has(next)) stack.push(next);
  }
  seen.delete(start);
  return seen;
}
