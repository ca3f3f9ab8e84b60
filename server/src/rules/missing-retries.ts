import type { DagModel, DefaultArgs, KeywordArgument, TaskModel } from '../analyzer/model';
import type { Fix, RelatedLocation, RuleContext, Rule } from './rule';
import { dagReportRange, insertDagKeyword } from './support/dag-ranges';
import { durationExpression, insertDictEntries } from './support/dict-entries';
import { textOf } from './support/edits';
import { rangeKey } from './support/expressions';
import { groupDefaults } from './support/group-defaults';
import { pointRange } from './text';

/** How many tasks (or TaskGroups) a finding links to; more would bury the list. */
const MAX_RELATED_TASKS = 20;

export const missingRetries: Rule = {
  meta: {
    id: 'missing-retries',
    summary: 'Tasks have no retries (or retries without a deliberate retry_delay), so one transient failure fails the run.',
    defaultSeverity: 'warning',
    category: 'reliability',
    fix: 'unsafe',
    messages: {
      noDefaultArgs: '{count} of {total} tasks in DAG {dag} have no retries, and the DAG has no default_args: a single transient failure (a network blip, a busy database) fails the run. Set retries in default_args.',
      missingInDefaults: '{count} of {total} tasks in DAG {dag} have no retries: default_args does not set retries, so a single transient failure fails the run.',
      zeroInDefaults: 'default_args sets retries=0 for DAG {dag}: a single transient failure fails the run.',
      taskZero: 'Task "{task}" sets retries=0: a single transient failure fails the run.',
      delayMissingInDefaults: 'default_args of DAG {dag} sets retries but no retry_delay: retries then wait Airflow\'s default 5 minutes, which is rarely what the source system needs. Set retry_delay deliberately.',
      taskDelayMissing: 'Task "{task}" sets retries but no retry_delay: retries then wait Airflow\'s default 5 minutes. Set retry_delay deliberately.',
      zeroInGroup: 'default_args of TaskGroup "{group}" set retries=0: a single transient failure fails the run.',
      groupDelayMissing: 'default_args of TaskGroup "{group}" set retries but no retry_delay: retries then wait Airflow\'s default 5 minutes. Set retry_delay deliberately.',
    },
    options: {
      retries: { type: 'number', default: 2, description: 'The number of retries the fix writes.' },
      retryDelayMinutes: { type: 'number', default: 5, description: 'The retry delay, in minutes, the fix writes.' },
    },
    docs: {
      whatItDoes:
        'Checks the effective `retries` of every task — its own argument, else the `default_args` of its TaskGroups, else the DAG\'s `default_args` (followed through module-level variables and `dict(...)`) — and flags tasks where it is missing or 0, and `retries` set without `retry_delay`. When the cause is the DAG\'s `default_args`, it reports once for the DAG, not once per task. `EmptyOperator` tasks are ignored, and so are DAGs whose `default_args` are built in ways that cannot be read statically.',
      whyIsThisBad:
        'Airflow\'s default is `retries=0` (unless `default_task_retries` is changed in the deployment). Most task failures in production are transient — a timeout, a restarted database, a rate limit — and a retry a few minutes later succeeds. Without retries the whole run fails and someone has to clear it by hand, often at night. A deliberate `retry_delay` gives the failing system time to recover.',
      example: [
        'with DAG("orders", schedule="@daily", start_date=pendulum.datetime(2024, 1, 1, tz="UTC")):',
        '    extract = BashOperator(task_id="extract", bash_command="extract.sh")',
        '    load = BashOperator(task_id="load", bash_command="load.sh")',
      ].join('\n'),
      useInstead: [
        'default_args = {"retries": 2, "retry_delay": timedelta(minutes=5)}',
        '',
        'with DAG("orders", schedule="@daily", start_date=pendulum.datetime(2024, 1, 1, tz="UTC"), default_args=default_args):',
        '    extract = BashOperator(task_id="extract", bash_command="extract.sh")',
        '    load = BashOperator(task_id="load", bash_command="load.sh")',
      ].join('\n'),
      fixSafety:
        'The fixes add `retries` and `retry_delay` to the existing `default_args` (adding a `timedelta` import when needed) or, when the DAG has none, pass `default_args={...}` to it. They are not applied by `--fix`: retrying a task that is not idempotent (one that appends rows, sends an email) can repeat its side effects, so review each DAG first. The values written come from the `retries` and `retry-delay-minutes` options.',
    },
  },
  check(context) {
    const reportedRanges = new Set<string>();
    for (const dag of context.file.dags) checkDag(context, dag, reportedRanges);
  },
};

function dagName(dag: DagModel): string {
  return dag.dagId === null ? 'with a computed id' : `"${dag.dagId}"`;
}

/** retries as written: a literal number, or `set` when written in a form we cannot evaluate (a variable, an env lookup). */
function retriesValue(argument: KeywordArgument | undefined): number | 'set' | null {
  if (!argument) return null;
  const value = argument.value.value;
  if (typeof value === 'number') return value;
  if (value === null && argument.value.kind === 'none') return 0;
  return 'set';
}

function checkDag(context: RuleContext, dag: DagModel, reportedRanges: Set<string>): void {
  const tasks = dag.tasks.filter((task) => task.kind !== 'empty');
  if (tasks.length === 0) return;
  const defaults = dag.defaultArgs;
  // default_args passed but not readable (a function call, `**` merges): what they hold is unknown.
  const defaultsUnknown = (defaults !== null && (defaults.dynamic || defaults.form === 'unknown')) || (defaults === null && 'default_args' in dag.args);
  const defaultRetries = defaults ? retriesValue(defaults.entries['retries']) : null;
  const defaultDelay = defaults?.entries['retry_delay'];

  const groups = groupDefaults(dag);
  const uncovered: TaskModel[] = [];
  const delayless: TaskModel[] = [];
  for (const task of tasks) {
    const group = task.group ? groups.get(task.group) : undefined;
    const groupRetries = group?.entries.get('retries');
    const groupDelay = group?.entries.get('retry_delay');
    const ownArgument = task.args['retries'];
    if (!ownArgument && group?.unknown) continue;
    if (!ownArgument && groupRetries) {
      const fromGroup = retriesValue(groupRetries.argument);
      if (fromGroup === 0) {
        report(context, reportedRanges, {
          messageId: 'zeroInGroup', args: { group: groupRetries.group }, range: groupRetries.argument.range, related: groupsSharing(context, groupRetries.argument),
        });
      } else if (!task.args['retry_delay'] && !groupDelay && !defaultDelay && !defaultsUnknown) {
        report(context, reportedRanges, {
          messageId: 'groupDelayMissing', args: { group: groupRetries.group }, range: groupRetries.argument.range, related: groupsSharing(context, groupRetries.argument),
        });
      }
      continue;
    }
    const own = retriesValue(ownArgument);
    if (own === 0) {
      report(context, reportedRanges, {
        messageId: 'taskZero', args: { task: task.taskId }, range: task.args['retries']!.range,
      });
      continue;
    }
    if (own !== null) {
      if (!task.args['retry_delay'] && !groupDelay && !group?.unknown && !defaultDelay && !defaultsUnknown) {
        const fix = addTaskDelayFix(context, task.args['retries']!);
        report(context, reportedRanges, {
          messageId: 'taskDelayMissing', args: { task: task.taskId }, range: task.args['retries']!.range, fixes: fix ? [fix] : [],
        });
      }
      continue;
    }
    if (defaultRetries === null) {
      if (!defaultsUnknown) uncovered.push(task);
    } else if (defaultRetries !== 0 && !defaultDelay && !task.args['retry_delay'] && !groupDelay && !group?.unknown) {
      delayless.push(task);
    }
  }

  if (defaultRetries === 0 && defaults) {
    const entry = defaults.entries['retries']!;
    report(context, reportedRanges, { messageId: 'zeroInDefaults', args: { dag: dagName(dag) }, range: entry.range });
  }
  if (uncovered.length > 0) {
    const related = uncovered.slice(0, MAX_RELATED_TASKS).map((task) => ({ message: `${task.taskId} has no retries`, range: task.range }));
    const fix = addRetriesFix(context, dag);
    report(context, reportedRanges, {
      messageId: defaults ? 'missingInDefaults' : 'noDefaultArgs',
      args: { count: uncovered.length, total: tasks.length, dag: dagName(dag) },
      range: dag.args['default_args']?.range ?? dagReportRange(context.file, context.text, dag),
      related,
      fixes: fix ? [fix] : [],
    });
  }
  if (delayless.length > 0 && defaults) {
    const entry = defaults.entries['retries']!;
    const fix = addDefaultsDelayFix(context, defaults, entry);
    report(context, reportedRanges, {
      messageId: 'delayMissingInDefaults', args: { dag: dagName(dag) }, range: entry.range, fixes: fix ? [fix] : [],
    });
  }
}

/** Reports once per range: a `default_args` variable shared by several DAGs is one problem, not several. */
/**
 * When a TaskGroup's `retries` entry sits in a module-level variable, the TaskGroups of the file that take
 * their `default_args` from it: the finding is at the variable, and one variable may serve several groups.
 */
function groupsSharing(context: RuleContext, entry: KeywordArgument): RelatedLocation[] {
  const key = rangeKey(entry.range);
  const related: RelatedLocation[] = [];
  for (const dag of context.file.dags) {
    for (const group of dag.groups) {
      const defaults = group.defaultArgs;
      const retries = defaults?.variable ? defaults.entries['retries'] : undefined;
      if (!retries || rangeKey(retries.range) !== key) continue;
      if (related.length < MAX_RELATED_TASKS) related.push({ message: `TaskGroup "${group.groupId}" takes its default_args from ${defaults!.variable}`, range: group.range });
    }
  }
  return related;
}

function report(context: RuleContext, reportedRanges: Set<string>, finding: Parameters<RuleContext['report']>[0]): void {
  const key = `${finding.messageId}@${rangeKey(finding.range)}`;
  if (reportedRanges.has(key)) return;
  reportedRanges.add(key);
  context.report(finding);
}

function addRetriesFix(context: RuleContext, dag: DagModel): Fix | null {
  const { file, text } = context;
  const retries = context.option<number>('retries');
  const duration = durationExpression(file, text, context.option<number>('retryDelayMinutes'));
  if (!duration) return null;
  const defaults = dag.defaultArgs;
  if (defaults) {
    const entries: [string, string][] = [['retries', String(retries)]];
    if (!defaults.entries['retry_delay']) entries.push(['retry_delay', duration.expression]);
    const edits = insertDictEntries(file, text, defaults, entries);
    if (!edits) return null;
    return { title: `Add retries=${retries} to default_args`, safe: false, edits: [...duration.imports, ...edits] };
  }
  const edits = insertDagKeyword(file, text, dag, `default_args={"retries": ${retries}, "retry_delay": ${duration.expression}}`);
  if (!edits) return null;
  return { title: `Pass default_args with retries=${retries} to the DAG`, safe: false, edits: [...duration.imports, ...edits] };
}

/** Adds `retry_delay` right after the task's own `retries=` argument, wherever that was written (operator call, `@task(...)`, `.override(...)`). */
function addTaskDelayFix(context: RuleContext, retries: KeywordArgument): Fix | null {
  const duration = durationExpression(context.file, context.text, context.option<number>('retryDelayMinutes'));
  if (!duration) return null;
  return {
    title: 'Add retry_delay',
    safe: false,
    edits: [...duration.imports, { range: pointRange(retries.range.end), newText: `, retry_delay=${duration.expression}` }],
  };
}

/**
 * Adds `retry_delay` to default_args: at the end of a dict written in this file (keeping one entry per
 * line), else right after the `retries` entry in the same style (`"key": v` or `key=v`).
 */
function addDefaultsDelayFix(context: RuleContext, defaults: DefaultArgs, retries: KeywordArgument): Fix | null {
  const duration = durationExpression(context.file, context.text, context.option<number>('retryDelayMinutes'));
  if (!duration) return null;
  const title = 'Add retry_delay to default_args';
  const appended = insertDictEntries(context.file, context.text, defaults, [['retry_delay', duration.expression]]);
  if (appended) return { title, safe: false, edits: [...duration.imports, ...appended] };
  const key = textOf(context.text, retries.nameRange);
  const quote = /^['"]/.exec(key)?.[0];
  const entry = quote ? `${quote}retry_delay${quote}: ${duration.expression}` : `retry_delay=${duration.expression}`;
  return { title, safe: false, edits: [...duration.imports, { range: pointRange(retries.range.end), newText: `, ${entry}` }] };
}
