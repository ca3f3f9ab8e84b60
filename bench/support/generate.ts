/**
 * Generated DAG files for the benchmarks, written the way large production DAGs are: default_args,
 * operators of several kinds, TaskGroups of fixed size, TaskFlow tasks passing data, `>>` chains and
 * fan-in between groups. Deterministic, so runs compare.
 */
export function generateDagFile(taskCount: number, dagId = `generated_${taskCount}`): string {
  const lines = [
    'import pendulum',
    'from datetime import timedelta',
    'from airflow.sdk import DAG, TaskGroup, task',
    'from airflow.providers.standard.operators.bash import BashOperator',
    'from airflow.providers.standard.operators.empty import EmptyOperator',
    'from airflow.providers.standard.operators.python import PythonOperator',
    '',
    'DEFAULT_ARGS = {',
    '    "owner": "data-platform",',
    '    "retries": 2,',
    '    "retry_delay": timedelta(minutes=5),',
    '    "execution_timeout": timedelta(hours=1),',
    '}',
    '',
    '',
    'def notify_failure(context):',
    '    print("failed", context["task_instance"].task_id)',
    '',
    '',
    'def load_partition(table, **context):',
    '    print("loading", table, context["ds"])',
    '',
    '',
    'with DAG(',
    `    dag_id="${dagId}",`,
    '    schedule="@daily",',
    '    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),',
    '    catchup=False,',
    '    dagrun_timeout=timedelta(hours=6),',
    '    default_args=DEFAULT_ARGS,',
    '    on_failure_callback=notify_failure,',
    '    tags=["generated", "benchmark"],',
    ') as dag:',
    '    start = EmptyOperator(task_id="start")',
    '    done = EmptyOperator(task_id="done", trigger_rule="none_failed_min_one_success")',
    '',
    '    @task',
    '    def summarize(rows: int) -> int:',
    '        return rows',
    '',
  ];
  const groupSize = 10;
  const groupCount = Math.max(1, Math.floor((taskCount - 2) / groupSize));
  let created = 2;
  for (let group = 0; group < groupCount && created < taskCount; group++) {
    const name = `region_${String(group).padStart(4, '0')}`;
    lines.push(`    with TaskGroup("${name}") as ${name}:`);
    const ids: string[] = [];
    for (let index = 0; index < groupSize && created < taskCount; index++, created++) {
      const id = `step_${index}`;
      ids.push(id);
      if (index % 3 === 0) {
        lines.push(`        ${id} = BashOperator(task_id="${id}", bash_command="extract.sh ${name} {{ ds }}", pool="extract")`);
      } else if (index % 3 === 1) {
        lines.push(`        ${id} = PythonOperator(task_id="${id}", python_callable=load_partition, op_kwargs={"table": "${name}_${index}"})`);
      } else {
        lines.push(`        ${id} = EmptyOperator(task_id="${id}")`);
      }
    }
    for (let index = 0; index + 1 < ids.length; index += 2) lines.push(`        ${ids[index]} >> ${ids[index + 1]}`);
    for (let index = 1; index + 1 < ids.length; index += 2) lines.push(`        ${ids[index]} >> ${ids[index + 1]}`);
    lines.push(`    start >> ${name} >> done`, '');
  }
  for (; created < taskCount; created++) lines.push(`    extra_${created} = EmptyOperator(task_id="extra_${created}")`, `    start >> extra_${created}`);
  lines.push('    summarize(42) >> done', '');
  return lines.join('\n');
}

/** Many small DAG files, like a team's dags/ folder: each its own dag_id. */
export function generateSmallDagFile(index: number): string {
  return generateDagFile(12, `team_dag_${String(index).padStart(4, '0')}`);
}
