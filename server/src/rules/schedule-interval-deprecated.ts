import type { Rule } from './rule';
import { renameKeyword } from './support/edits';
import { deduplicated } from './support/report';

const RENAMED = ['schedule_interval', 'timetable'] as const;

/** `DAG(schedule_interval=...)` / `DAG(timetable=...)`: Airflow 3 only accepts `schedule=`. */
export const scheduleIntervalDeprecated: Rule = {
  meta: {
    id: 'schedule-interval-deprecated',
    summary: 'schedule_interval and timetable are removed in Airflow 3; use schedule.',
    defaultSeverity: 'warning',
    defaultSeverityByVersion: { 2: 'hint', 3: 'warning' },
    category: 'airflow3',
    fix: 'safe',
    ruff: ['AIR301'],
    messages: {
      renamed: '{name}= is removed in Airflow 3 (deprecated since 2.4); use schedule= instead.',
    },
    docs: {
      whatItDoes: 'Finds DAGs (`DAG(...)`, `@dag(...)`) scheduled with the `schedule_interval` or `timetable` argument. The finding is a warning when the target Airflow version is 3 and a hint when it is 2.',
      whyIsThisBad:
        'Airflow 2.4 merged `schedule_interval`, `timetable` and dataset schedules into one `schedule` argument and deprecated the old ones; Airflow 3 removed them, so a DAG using them fails to import after the upgrade. `schedule=` works the same on Airflow 2.4 and later.',
      example: 'with DAG("inventory", schedule_interval="@hourly", start_date=pendulum.datetime(2024, 1, 1, tz="UTC"), catchup=False):',
      useInstead: 'with DAG("inventory", schedule="@hourly", start_date=pendulum.datetime(2024, 1, 1, tz="UTC"), catchup=False):',
      fixSafety: 'Renaming the keyword keeps the schedule exactly as it was on Airflow 2.4 and later. The fix is not offered when the DAG also passes `schedule=`.',
    },
  },
  check(checkContext) {
    const context = deduplicated(checkContext);
    for (const dag of context.file.dags) {
      for (const name of RENAMED) {
        const argument = dag.args[name];
        if (!argument) continue;
        const canRename = !dag.args.schedule && RENAMED.filter((other) => dag.args[other]).length === 1;
        context.report({
          messageId: 'renamed',
          args: { name },
          range: argument.nameRange,
          ...(canRename ? { fixes: [{ title: `Rename ${name}= to schedule=`, edits: [renameKeyword(context.text, argument, 'schedule')], safe: true }] } : {}),
        });
      }
    }
  },
};
