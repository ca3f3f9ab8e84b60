import type { TaskModel } from '../analyzer/model';
import type { Fix, Rule, RuleContext, TextEdit } from './rule';
import { dagLabel, taskRange } from './support/expressions';
import { insertDagKeyword } from './support/dag-ranges';
import { effectiveTaskArgument, UNREADABLE } from './support/group-defaults';
import { durationExpression, insertDictEntries } from './support/dict-entries';
import { insertKeywordArgument, replaceValue } from './support/edits';
import { deduplicated } from './support/report';

/** Tasks that do no work of their own or are bounded otherwise (a sensor's own `timeout`). */
const EXEMPT_KINDS = new Set<TaskModel['kind']>(['empty', 'sensor']);

/**
 * Tasks whose effective `execution_timeout` (task argument, else `default_args`) is missing or None.
 * When `default_args` lacks it for several tasks the DAG is reported once, not every task.
 */
export const missingExecutionTimeout: Rule = {
  meta: {
    id: 'missing-execution-timeout',
    summary: 'A task has no execution_timeout, so a hung run holds its worker slot forever.',
    defaultSeverity: 'warning',
    category: 'operations',
    fix: 'unsafe',
    options: {
      timeoutMinutes: {
        type: 'number',
        default: 60,
        description: 'The execution_timeout, in minutes, that the fix writes; pick one comfortably above the task\'s normal run time.',
      },
    },
    messages: {
      dag: '{count} tasks of DAG {dag} have no execution_timeout: add one to default_args (for example "execution_timeout": timedelta(hours=1)) so a hung task fails instead of running forever.',
      task: 'Task "{taskId}" has no execution_timeout: a hung run would hold its worker slot until someone kills it.',
      explicitNone: 'Task "{taskId}" sets execution_timeout=None: a hung run would hold its worker slot until someone kills it.',
    },
    docs: {
      whatItDoes:
        'Finds tasks without an `execution_timeout`, looking at the task\'s own arguments, then at the `default_args` of its TaskGroups, then at the DAG\'s. Tasks in a TaskGroup whose `default_args` cannot be read are not reported. When several tasks lack it because `default_args` has none, the DAG is reported once. Empty operators and sensors (bounded by their own `timeout`) are not checked.',
      whyIsThisBad:
        'Without `execution_timeout` Airflow lets a task run forever. A query waiting on a lock, an API call that never answers or a stuck subprocess then keeps a worker slot and a pool slot busy, blocks the next runs when `max_active_runs` or `depends_on_past` applies, and no failure alert fires because nothing failed.',
      example: [
        'default_args = {"retries": 2, "retry_delay": timedelta(minutes=5)}',
      ].join('\n'),
      useInstead: [
        'default_args = {',
        '    "retries": 2,',
        '    "retry_delay": timedelta(minutes=5),',
        '    "execution_timeout": timedelta(hours=1),',
        '}',
      ].join('\n'),
      fixSafety:
        'The fix adds `execution_timeout` (the `timeout-minutes` option, one hour by default) to `default_args` — creating them when the DAG has none — or to the one task that lacks it, and imports `timedelta` when needed. It is unsafe: a task that normally runs longer than the chosen timeout would start failing, so check the value against the task\'s run times.',
    },
  },
  check(checkContext) {
    const context = deduplicated(checkContext);
    for (const dag of context.file.dags) {
      if (dag.defaultArgs && (dag.defaultArgs.dynamic || dag.defaultArgs.form === 'unknown')) continue;
      const fromDefaults = dag.defaultArgs?.entries.execution_timeout;
      const defaultsSetIt = fromDefaults !== undefined && fromDefaults.value.kind !== 'none';
      const lacking: TaskModel[] = [];
      for (const task of dag.tasks) {
        if (EXEMPT_KINDS.has(task.kind)) continue;
        const argument = effectiveTaskArgument(dag, task, 'execution_timeout');
        if (argument === UNREADABLE || (argument && argument.value.kind !== 'none')) continue;
        const explicit = task.args.execution_timeout;
        if (explicit) {
          const fix = timeoutFix(context, (duration) => [replaceValue(explicit, duration)]);
          context.report({ messageId: 'explicitNone', args: { taskId: task.taskId }, range: explicit.range, ...(fix ? { fixes: [fix] } : {}) });
          continue;
        }
        lacking.push(task);
      }
      if (lacking.length === 0 || defaultsSetIt) continue;
      if (lacking.length === 1) {
        const task = lacking[0]!;
        const fix = task.kind === 'taskflow'
          ? null
          : timeoutFix(context, (duration) => insertKeywordArgument(context.file, context.text, task.range, `execution_timeout=${duration}`));
        context.report({ messageId: 'task', args: { taskId: task.taskId }, range: taskRange(task), ...(fix ? { fixes: [fix] } : {}) });
      } else {
        const defaults = dag.defaultArgs;
        const fix = timeoutFix(context, (duration) => defaults
          ? insertDictEntries(context.file, context.text, defaults, [['execution_timeout', duration]])
          : insertDagKeyword(context.file, context.text, dag, `default_args={"execution_timeout": ${duration}}`));
        context.report({
          messageId: 'dag',
          args: { count: lacking.length, dag: dagLabel(dag) },
          range: defaults?.range ?? dag.dagIdRange ?? dag.range,
          ...(fix ? { fixes: [fix] } : {}),
        });
      }
    }
  },
};

/** A fix writing the configured timeout with `edits`, plus the `timedelta` import when the file lacks one. */
function timeoutFix(context: RuleContext, edits: (duration: string) => TextEdit[] | null): Fix | null {
  const minutes = context.option<number>('timeoutMinutes');
  const duration = durationExpression(context.file, context.text, minutes);
  if (!duration) return null;
  const written = edits(duration.expression);
  if (!written) return null;
  return { title: `Set execution_timeout to ${minutes} minutes`, edits: [...written, ...duration.imports], safe: false };
}
