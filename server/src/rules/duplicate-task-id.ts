import type { TaskModel } from '../analyzer/model';
import type { Rule } from './rule';
import { dagLabel, rangeKey, taskRange } from './support/expressions';
import { deduplicated } from './support/report';

/**
 * Two tasks of one DAG with the same id, as Airflow computes it (TaskGroup prefixes included).
 * Tasks whose id the model could not compute are left out: their placeholder ids say nothing.
 */
export const duplicateTaskId: Rule = {
  meta: {
    id: 'duplicate-task-id',
    summary: 'Two tasks in one DAG have the same task id, so Airflow refuses to load the DAG.',
    defaultSeverity: 'error',
    category: 'structure',
    fix: 'none',
    messages: {
      duplicate: 'Task id "{taskId}" is already used in DAG {dag}; Airflow raises DuplicateTaskIdFound and the DAG does not load.',
      repeatedInLoop: 'This creates a task with id "{taskId}" more than once in DAG {dag} (it is run in a loop); Airflow raises DuplicateTaskIdFound and the DAG does not load.',
    },
    docs: {
      whatItDoes:
        'Finds tasks of one DAG that end up with the same `task_id` — after TaskGroup prefixes are applied, so `load` in group `sales` (`sales.load`) and a top-level `load` are different, while two `load` tasks in the same group are not. The finding points at the second definition and links to the first.',
      whyIsThisBad:
        'Airflow raises `DuplicateTaskIdFound` when a DAG gets a second task with an id it already has; the file then fails to import and none of its DAGs run. Copy-pasted operators and loops that build ids from values that repeat are the usual causes.',
      example: [
        'with DAG("orders", schedule="@daily", start_date=pendulum.datetime(2024, 1, 1, tz="UTC")):',
        '    extract = BashOperator(task_id="extract", bash_command="extract.sh orders")',
        '    extract_refunds = BashOperator(task_id="extract", bash_command="extract.sh refunds")',
      ].join('\n'),
      useInstead: [
        'with DAG("orders", schedule="@daily", start_date=pendulum.datetime(2024, 1, 1, tz="UTC")):',
        '    extract = BashOperator(task_id="extract", bash_command="extract.sh orders")',
        '    extract_refunds = BashOperator(task_id="extract_refunds", bash_command="extract.sh refunds")',
      ].join('\n'),
    },
  },
  check(checkContext) {
    const context = deduplicated(checkContext);
    for (const dag of context.file.dags) {
      const dagName = dagLabel(dag);
      const first = new Map<string, TaskModel>();
      const reported = new Set<string>();
      for (const task of dag.tasks) {
        if (task.dynamicId) continue;
        const earlier = first.get(task.taskId);
        if (!earlier) {
          first.set(task.taskId, task);
          continue;
        }
        const range = taskRange(task);
        const earlierRange = taskRange(earlier);
        const key = `${task.taskId}@${rangeKey(range)}`;
        if (reported.has(key)) continue;
        reported.add(key);
        if (rangeKey(range) === rangeKey(earlierRange)) {
          // One definition run several times: a loop that builds the same id on every iteration.
          context.report({ messageId: 'repeatedInLoop', args: { taskId: task.taskId, dag: dagName }, range });
          continue;
        }
        context.report({
          messageId: 'duplicate',
          args: { taskId: task.taskId, dag: dagName },
          range,
          related: [{ message: `First task with id "${task.taskId}"`, range: earlierRange }],
        });
      }
    }
  },
};
