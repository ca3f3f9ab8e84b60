import type { Rule } from './rule';
import { callAt, taskRange } from './support/expressions';
import { deduplicated } from './support/report';

/**
 * An operator or TaskFlow call that the model could attach to no DAG: not inside a `with DAG(...)`
 * block or `@dag` function, no `dag=` argument. Tasks built inside helper functions are left alone:
 * the function may be called from a DAG defined in another module.
 */
export const taskWithoutDag: Rule = {
  meta: {
    id: 'task-without-dag',
    summary: 'A task is created outside any DAG, so Airflow never schedules it.',
    defaultSeverity: 'warning',
    category: 'structure',
    fix: 'none',
    messages: {
      operator: 'Task "{taskId}" ({operator}) belongs to no DAG: create it inside a `with DAG(...)` block or an `@dag` function, or pass `dag=`. Airflow will never run it.',
      taskflow: 'TaskFlow task "{taskId}" is called outside any DAG: call it inside a `with DAG(...)` block or an `@dag` function. Airflow will never run it.',
    },
    docs: {
      whatItDoes:
        'Finds operators and TaskFlow task calls at module level (or in a DAG file\'s top-level code) that are attached to no DAG: they are neither inside a `with DAG(...)` block or a called `@dag` function, nor given `dag=`. Tasks created inside helper functions are not reported, since another module may call the helper inside its DAG.',
      whyIsThisBad:
        'A task with no DAG is built on every parse and then dropped: it never appears in the UI and never runs, and no error tells you so. It usually means the line ended up outside the indentation of the `with DAG(...)` block, or that the `dag=` argument was forgotten in the `dag = DAG(...)` style.',
      example: [
        'dag = DAG("reports", schedule="@daily", start_date=pendulum.datetime(2024, 1, 1, tz="UTC"))',
        'publish = BashOperator(task_id="publish", bash_command="publish.sh")',
      ].join('\n'),
      useInstead: [
        'dag = DAG("reports", schedule="@daily", start_date=pendulum.datetime(2024, 1, 1, tz="UTC"))',
        'publish = BashOperator(task_id="publish", bash_command="publish.sh", dag=dag)',
      ].join('\n'),
    },
  },
  check(checkContext) {
    const context = deduplicated(checkContext);
    const { file } = context;
    for (const task of file.tasksWithoutDag) {
      if (task.args.dag || task.args.task_group) continue;
      const scope = callAt(file, task.range)?.scope;
      if (scope && (scope.functionName !== null || !scope.parseTime)) continue;
      context.report({
        messageId: task.kind === 'taskflow' ? 'taskflow' : 'operator',
        args: { taskId: task.taskId, operator: task.operator },
        range: taskRange(task),
      });
    }
  },
};
