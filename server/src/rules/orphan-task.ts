import type { Rule } from './rule';
import { taskRange } from './support/expressions';
import { deduplicated } from './support/report';

/**
 * A task with no upstream and no downstream in a DAG whose other tasks are wired together. DAGs
 * without any dependency (independent parallel jobs) and DAGs whose wiring the model could not follow
 * completely are left alone.
 */
export const orphanTask: Rule = {
  meta: {
    id: 'orphan-task',
    summary: 'A task has no dependencies while the rest of its DAG is wired together.',
    defaultSeverity: 'information',
    category: 'structure',
    fix: 'none',
    messages: {
      orphan: 'Task "{taskId}" has no upstream or downstream task; it will run as soon as the DAG run starts, in parallel with everything else. Was a dependency forgotten?',
    },
    docs: {
      whatItDoes:
        'Finds a task that has no dependency at all in a DAG with several tasks where other tasks do have dependencies. DAGs made only of independent tasks, and DAGs whose wiring could not be followed statically, are not reported.',
      whyIsThisBad:
        'A task without upstream runs as soon as the DAG run starts, possibly before the data it needs exists; a task without downstream lets the run succeed without anyone waiting for it. In a DAG that is otherwise a pipeline, an unconnected task is almost always a forgotten `>>`.',
      example: [
        'extract = EmptyOperator(task_id="extract")',
        'transform = EmptyOperator(task_id="transform")',
        'notify = EmptyOperator(task_id="notify")',
        'extract >> transform',
      ].join('\n'),
      useInstead: [
        'extract = EmptyOperator(task_id="extract")',
        'transform = EmptyOperator(task_id="transform")',
        'notify = EmptyOperator(task_id="notify")',
        'extract >> transform >> notify',
      ].join('\n'),
    },
  },
  check(checkContext) {
    const context = deduplicated(checkContext);
    for (const dag of context.file.dags) {
      if (dag.tasks.length < 3 || dag.edges.length === 0 || dag.dynamic.length > 0) continue;
      if (dag.tasks.some((task) => task.dynamicId)) continue;
      // Only which tasks have an edge matters here: a set of endpoints is enough, not the whole graph.
      const connected = new Set<string>();
      for (const edge of dag.edges) {
        connected.add(edge.from);
        connected.add(edge.to);
      }
      for (const task of dag.tasks) {
        if (connected.has(task.taskId)) continue;
        context.report({ messageId: 'orphan', args: { taskId: task.taskId }, range: taskRange(task) });
      }
    }
  },
};
