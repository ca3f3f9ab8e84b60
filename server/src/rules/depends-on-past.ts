import type { Rule } from './rule';
import { dagLabel, literalBoolean, rangeKey } from './support/expressions';
import { deduplicated } from './support/report';

/** `depends_on_past=True` on a task or in `default_args`: explain what it commits the DAG to. */
export const dependsOnPast: Rule = {
  meta: {
    id: 'depends-on-past',
    summary: 'depends_on_past=True: one failed run blocks every later run of the task until someone intervenes.',
    defaultSeverity: 'information',
    category: 'operations',
    fix: 'none',
    messages: {
      defaults: 'depends_on_past=True in default_args applies to every task of DAG {dag}: once a task fails, that task waits in every later run until the failed run is fixed or marked successful by hand.',
      task: 'depends_on_past=True: once "{taskId}" fails, it waits in every later run until the failed run is fixed or marked successful by hand.',
    },
    docs: {
      whatItDoes: 'Points out `depends_on_past=True`, on a task or in `default_args`, and explains its consequence. It is information, not a warning: some pipelines need it.',
      whyIsThisBad:
        'With `depends_on_past=True` a task instance runs only if the same task succeeded (or was skipped) in the previous DAG run. One failure therefore stops the task in every later run — they queue up without failing, so no alert fires — until someone clears or fixes the failed run. It is right for strictly incremental loads; elsewhere it turns one bad day into a silent backlog. Consider `wait_for_downstream`, or idempotent tasks that can run out of order, and a `dagrun_timeout` so stuck runs are noticed.',
      example: 'default_args = {"depends_on_past": True, "retries": 2}',
      useInstead: 'default_args = {"retries": 2}',
    },
  },
  check(checkContext) {
    const context = deduplicated(checkContext);
    const reported = new Set<string>();
    for (const dag of context.file.dags) {
      const fromDefaults = dag.defaultArgs?.entries.depends_on_past;
      if (fromDefaults && literalBoolean(fromDefaults.value) === true && !reported.has(rangeKey(fromDefaults.range))) {
        reported.add(rangeKey(fromDefaults.range));
        context.report({ messageId: 'defaults', args: { dag: dagLabel(dag) }, range: fromDefaults.range });
      }
      for (const task of dag.tasks) {
        const argument = task.args.depends_on_past;
        if (!argument || literalBoolean(argument.value) !== true || reported.has(rangeKey(argument.range))) continue;
        reported.add(rangeKey(argument.range));
        context.report({ messageId: 'task', args: { taskId: task.taskId }, range: argument.range });
      }
    }
  },
};
