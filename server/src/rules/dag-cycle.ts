import type { DagModel, EdgeModel } from '../analyzer/model';
import type { Rule } from './rule';
import { compareRanges } from './text';

/** One dependency cycle: a strongly connected component of a DAG's task graph. */
export interface DependencyCycle {
  /** A closed walk through the component, first id repeated at the end: `['a', 'b', 'a']`. */
  path: string[];
  /** The edge declaration for each step of `path`. */
  edges: EdgeModel[];
  /** Every task in the component (the path may not visit them all). */
  members: string[];
  /** The step that closes the cycle: the edge declared last in the source, usually the one just typed. */
  closingEdge: EdgeModel;
}

/**
 * Finds the dependency cycles of one DAG, one per strongly connected component (Tarjan's algorithm,
 * iterative so deep chains cannot overflow the stack). Linear in tasks + edges. Also used by the graph
 * view to mark edges that lie on a cycle.
 */
export function findCycles(dag: Pick<DagModel, 'edges'>): DependencyCycle[] {
  if (dag.edges.length === 0 || isAcyclic(dag.edges)) return [];
  const outgoing = new Map<string, EdgeModel[]>();
  for (const edge of dag.edges) {
    let list = outgoing.get(edge.from);
    if (!list) outgoing.set(edge.from, (list = []));
    list.push(edge);
    if (!outgoing.has(edge.to)) outgoing.set(edge.to, []);
  }
  const cycles: DependencyCycle[] = [];
  for (const component of stronglyConnectedComponents(outgoing)) {
    const members = new Set(component);
    const inner = component.flatMap((id) => outgoing.get(id)!.filter((edge) => members.has(edge.to)));
    if (component.length === 1 && inner.length === 0) continue;
    // In a larger component, name a real cycle rather than a self-loop that happens to lie inside it.
    const candidates = component.length > 1 ? inner.filter((edge) => edge.from !== edge.to) : inner;
    const closingEdge = candidates.reduce((latest, edge) => (compareRanges(edge.range, latest.range) > 0 ? edge : latest));
    const walk = shortestPath(closingEdge.to, closingEdge.from, outgoing, members);
    cycles.push({
      path: [...walk.nodes, closingEdge.to],
      edges: [...walk.edges, closingEdge],
      members: component,
      closingEdge,
    });
  }
  return cycles;
}

/**
 * Kahn's topological sort over integer ids: the common case (no cycle) answered with flat arrays,
 * several times faster than building the component search's maps on a 2,000-task DAG.
 */
function isAcyclic(edges: readonly EdgeModel[]): boolean {
  const ids = new Map<string, number>();
  const idOf = (taskId: string) => {
    let id = ids.get(taskId);
    if (id === undefined) ids.set(taskId, (id = ids.size));
    return id;
  };
  const from = new Int32Array(edges.length);
  const to = new Int32Array(edges.length);
  edges.forEach((edge, index) => {
    from[index] = idOf(edge.from);
    to[index] = idOf(edge.to);
  });
  const count = ids.size;
  const inDegree = new Int32Array(count);
  const outStart = new Int32Array(count + 1);
  for (let index = 0; index < edges.length; index++) {
    inDegree[to[index]!]!++;
    outStart[from[index]! + 1]!++;
  }
  for (let node = 0; node < count; node++) outStart[node + 1]! += outStart[node]!;
  const targets = new Int32Array(edges.length);
  const fill = outStart.slice(0, count);
  for (let index = 0; index < edges.length; index++) targets[fill[from[index]!]!++] = to[index]!;
  const queue = new Int32Array(count);
  let tail = 0;
  for (let node = 0; node < count; node++) if (inDegree[node] === 0) queue[tail++] = node;
  for (let head = 0; head < tail; head++) {
    const node = queue[head]!;
    for (let edge = outStart[node]!; edge < outStart[node + 1]!; edge++) {
      if (--inDegree[targets[edge]!]! === 0) queue[tail++] = targets[edge]!;
    }
  }
  return tail === count;
}

function stronglyConnectedComponents(outgoing: Map<string, EdgeModel[]>): string[][] {
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  for (const root of outgoing.keys()) {
    if (index.has(root)) continue;
    const work: { node: string; next: number }[] = [{ node: root, next: 0 }];
    index.set(root, counter);
    lowLink.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const edges = outgoing.get(frame.node)!;
      if (frame.next < edges.length) {
        const target = edges[frame.next++]!.to;
        if (!index.has(target)) {
          index.set(target, counter);
          lowLink.set(target, counter++);
          stack.push(target);
          onStack.add(target);
          work.push({ node: target, next: 0 });
        } else if (onStack.has(target)) {
          lowLink.set(frame.node, Math.min(lowLink.get(frame.node)!, index.get(target)!));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]!.node;
        lowLink.set(parent, Math.min(lowLink.get(parent)!, lowLink.get(frame.node)!));
      }
      if (lowLink.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        components.push(component.reverse());
      }
    }
  }
  return components;
}

/** Breadth-first path from `start` to `goal` inside one component (always exists there). */
function shortestPath(start: string, goal: string, outgoing: Map<string, EdgeModel[]>, members: Set<string>): { nodes: string[]; edges: EdgeModel[] } {
  const cameBy = new Map<string, EdgeModel | null>([[start, null]]);
  const queue = [start];
  for (let head = 0; head < queue.length && !cameBy.has(goal); head++) {
    for (const edge of outgoing.get(queue[head]!)!) {
      if (!members.has(edge.to) || cameBy.has(edge.to)) continue;
      cameBy.set(edge.to, edge);
      queue.push(edge.to);
    }
  }
  const nodes: string[] = [];
  const edges: EdgeModel[] = [];
  for (let node: string | undefined = goal; node !== undefined; ) {
    nodes.push(node);
    const edge = cameBy.get(node);
    if (!edge) break;
    edges.push(edge);
    node = edge.from;
  }
  return { nodes: nodes.reverse(), edges: edges.reverse() };
}

export const dagCycle: Rule = {
  meta: {
    id: 'dag-cycle',
    summary: 'Tasks depend on each other in a cycle, so Airflow refuses to load the DAG.',
    defaultSeverity: 'error',
    category: 'structure',
    fix: 'none',
    messages: {
      cycle: 'Dependency cycle in DAG {dag}: {path}. Airflow will not load this DAG.',
      cycleInLargerGroup: 'Dependency cycle in DAG {dag}: {path} ({extra} more tasks are caught in the same cycle). Airflow will not load this DAG.',
      selfLoop: 'Task "{task}" depends on itself in DAG {dag}. Airflow will not load this DAG.',
    },
    docs: {
      whatItDoes:
        'Finds dependency cycles between the tasks of a DAG — through `>>` / `<<`, `set_upstream` / `set_downstream`, `chain`, lists, loops, TaskGroups and TaskFlow data passing — including a task that depends on itself. Each cycle is reported once, at the edge declared last, with the full path and a link to every edge on it.',
      whyIsThisBad:
        'A DAG must be acyclic: when the scheduler parses a file whose tasks form a cycle, it raises `AirflowDagCycleException` and the whole file fails to import, so none of its DAGs run. The error shows up only in the import errors of the UI, often after deploying.',
      example: [
        'with DAG("sales", schedule="@daily", start_date=pendulum.datetime(2024, 1, 1, tz="UTC")):',
        '    extract = EmptyOperator(task_id="extract")',
        '    transform = EmptyOperator(task_id="transform")',
        '    load = EmptyOperator(task_id="load")',
        '    extract >> transform >> load',
        '    load >> extract',
      ].join('\n'),
      useInstead: [
        'with DAG("sales", schedule="@daily", start_date=pendulum.datetime(2024, 1, 1, tz="UTC")):',
        '    extract = EmptyOperator(task_id="extract")',
        '    transform = EmptyOperator(task_id="transform")',
        '    load = EmptyOperator(task_id="load")',
        '    extract >> transform >> load',
      ].join('\n'),
    },
  },
  check(context) {
    for (const dag of context.file.dags) {
      const dynamicTasks = new Set(dag.tasks.filter((task) => task.dynamicId).map((task) => task.taskId));
      const dagName = dag.dagId === null ? '(computed id)' : `"${dag.dagId}"`;
      for (const cycle of findCycles(dag)) {
        // A placeholder id stands for tasks we could not tell apart; a cycle through it may be an artefact.
        if (cycle.members.some((id) => dynamicTasks.has(id))) continue;
        const related = cycle.edges.map((edge) => ({ message: `${edge.from} → ${edge.to}`, range: edge.range }));
        if (cycle.path.length === 2) {
          context.report({ messageId: 'selfLoop', args: { task: cycle.path[0]!, dag: dagName }, range: cycle.closingEdge.range, related });
          continue;
        }
        const path = cycle.path.join(' → ');
        const extra = cycle.members.length - (cycle.path.length - 1);
        context.report(extra > 0
          ? { messageId: 'cycleInLargerGroup', args: { dag: dagName, path, extra }, range: cycle.closingEdge.range, related }
          : { messageId: 'cycle', args: { dag: dagName, path }, range: cycle.closingEdge.range, related });
      }
    }
  },
};
