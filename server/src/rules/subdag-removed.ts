import type { Rule } from './rule';
import { taskRange } from './support/expressions';
import { deduplicated } from './support/report';

const SUBDAG_MODULES = /^airflow\.operators\.(subdag|subdag_operator)(\.|$)/;

/** `SubDagOperator`: removed in Airflow 3, replaced by TaskGroups. */
export const subdagRemoved: Rule = {
  meta: {
    id: 'subdag-removed',
    summary: 'SubDagOperator is removed in Airflow 3; use a TaskGroup.',
    defaultSeverity: 'warning',
    defaultSeverityByVersion: { 2: 'hint', 3: 'warning' },
    category: 'airflow3',
    fix: 'none',
    ruff: ['AIR301'],
    messages: {
      task: 'SubDagOperator "{taskId}" is removed in Airflow 3; move its tasks into a TaskGroup.',
      import: '{name} is removed in Airflow 3; use TaskGroups instead of SubDAGs.',
    },
    docs: {
      whatItDoes: 'Finds `SubDagOperator` tasks, and imports from `airflow.operators.subdag` that no task uses. A warning when the target Airflow version is 3, a hint when it is 2.',
      whyIsThisBad:
        'SubDAGs run a whole DAG inside one task slot, deadlock easily when their pool fills, and hide their tasks from the main DAG\'s scheduling. They were deprecated in Airflow 2.0 in favour of TaskGroups, which group tasks visually without any of that, and Airflow 3 removed them: the import fails after the upgrade.',
      example: [
        'def load_subdag(parent_dag_id):',
        '    with DAG(f"{parent_dag_id}.load", schedule="@daily", start_date=pendulum.datetime(2024, 1, 1, tz="UTC")) as subdag:',
        '        EmptyOperator(task_id="stage")',
        '    return subdag',
        '',
        'load = SubDagOperator(task_id="load", subdag=load_subdag("warehouse"))',
      ].join('\n'),
      useInstead: [
        'with TaskGroup("load"):',
        '    EmptyOperator(task_id="stage")',
      ].join('\n'),
    },
  },
  check(checkContext) {
    const context = deduplicated(checkContext);
    const { file } = context;
    let reportedTask = false;
    for (const dag of file.dags) {
      for (const task of dag.tasks) {
        const isSubdag = task.qualifiedName ? SUBDAG_MODULES.test(task.qualifiedName) : task.operator === 'SubDagOperator';
        if (!isSubdag) continue;
        reportedTask = true;
        context.report({ messageId: 'task', args: { taskId: task.taskId }, range: taskRange(task) });
      }
    }
    if (reportedTask) return;
    for (const fact of file.imports) {
      if (SUBDAG_MODULES.test(fact.qualifiedName)) context.report({ messageId: 'import', args: { name: fact.qualifiedName }, range: fact.range });
    }
  },
};
