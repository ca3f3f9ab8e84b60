import type { KeywordArgument, TaskModel } from '../analyzer/model';
import type { Fix, Rule, RuleContext } from './rule';
import { lastSegment, literalString, rangeKey } from './support/expressions';
import { removeArgument, renameKeyword, replaceValue } from './support/edits';
import { deduplicated } from './support/report';

interface RemovedArgument {
  /** The argument that replaces it, when there is one. */
  replacement?: string;
  /** Why it went, or what to do instead, for the message. */
  note: string;
  /** Only for these operator classes (last segment of the qualified name); every operator when absent. */
  operators?: readonly string[];
}

/** Operator arguments removed or renamed in Airflow 3 (from Airflow 3.0's release notes and source). */
const TASK_ARGUMENTS: Record<string, RemovedArgument> = {
  provide_context: { note: 'the context is passed to any callable that accepts **context (or names the keys it needs); delete the argument' },
  task_concurrency: { replacement: 'max_active_tis_per_dag', note: 'renamed' },
  sla: { note: 'SLAs no longer exist, so the argument is accepted but ignored; Airflow 3.1 replaces SLAs with deadline alerts' },
  execution_date: { replacement: 'logical_date', note: 'renamed', operators: ['TriggerDagRunOperator'] },
  use_task_execution_day: { replacement: 'use_task_logical_date', note: 'renamed', operators: ['BranchDateTimeOperator', 'BranchDayOfWeekOperator', 'DayOfWeekSensor'] },
};

const TASK_ARGUMENT_NAMES = Object.keys(TASK_ARGUMENTS);

/** DAG arguments removed or renamed in Airflow 3. `schedule_interval` has its own rule. */
const DAG_ARGUMENTS: Record<string, RemovedArgument> = {
  sla_miss_callback: { note: 'SLAs no longer exist, so the callback is accepted but never called; Airflow 3.1 replaces SLAs with deadline alerts' },
  fail_stop: { replacement: 'fail_fast', note: 'renamed' },
  concurrency: { replacement: 'max_active_tasks', note: 'renamed' },
};

/** Trigger rules removed in Airflow 3, with the one that behaves the same. */
const TRIGGER_RULES: Record<string, string> = {
  dummy: 'always',
  none_failed_or_skipped: 'none_failed_min_one_success',
};

/**
 * Arguments Airflow 3 no longer accepts: on operators (`provide_context`, `task_concurrency`, `sla`,
 * …), in `default_args`, and on the DAG (`sla_miss_callback`, `concurrency`, …); and trigger rules
 * that were removed.
 */
export const removedOperatorArgument: Rule = {
  meta: {
    id: 'removed-operator-argument',
    summary: 'An operator or DAG argument (provide_context, task_concurrency, sla, …) is removed in Airflow 3.',
    defaultSeverity: 'warning',
    defaultSeverityByVersion: { 2: 'hint', 3: 'warning' },
    category: 'airflow3',
    fix: 'safe',
    ruff: ['AIR301', 'AIR311'],
    messages: {
      renamed: '{name}= is removed in Airflow 3; use {replacement}= instead.',
      removed: '{name}= no longer works in Airflow 3: {note}.',
      triggerRule: 'The trigger rule "{rule}" is removed in Airflow 3; use "{replacement}", which behaves the same.',
    },
    docs: {
      whatItDoes:
        'Finds arguments that Airflow 3 no longer accepts — `provide_context`, `task_concurrency` (now `max_active_tis_per_dag`), `sla`, `execution_date` on `TriggerDagRunOperator` (now `logical_date`), `use_task_execution_day` (now `use_task_logical_date`) on operators and in `default_args`; `sla_miss_callback`, `fail_stop` (now `fail_fast`) and `concurrency` (now `max_active_tasks`) on the DAG — and the removed trigger rules `dummy` and `none_failed_or_skipped`. A warning when the target Airflow version is 3, a hint when it is 2.',
      whyIsThisBad:
        'Airflow 3 rejects operator arguments it does not know, so a DAG passing a removed one fails to import after the upgrade. `sla` and `sla_miss_callback` are still accepted but do nothing, and arguments in `default_args` are silently ignored — worse, when an SLA was the only thing watching a pipeline. The renamed arguments exist in Airflow 2 already, so the code can be migrated before the upgrade.',
      example: 'PythonOperator(task_id="score", python_callable=score, provide_context=True, task_concurrency=4)',
      useInstead: 'PythonOperator(task_id="score", python_callable=score, max_active_tis_per_dag=4)',
      fixSafety:
        'Renames keep the behaviour (the new names exist since Airflow 2.2–2.6). Removing `provide_context` changes nothing: Airflow 2 and 3 pass the context to callables that accept it. `sla` and `sla_miss_callback` have no automatic replacement.',
    },
  },
  check(checkContext) {
    const context = deduplicated(checkContext);
    const reported = new Set<string>();
    const report = (argument: KeywordArgument, removed: RemovedArgument, task: TaskModel | null) => {
      if (reported.has(rangeKey(argument.range))) return;
      reported.add(rangeKey(argument.range));
      if (removed.operators && task && !removed.operators.includes(lastSegment(task.qualifiedName ?? task.operator))) return;
      const fix = argumentFix(context, argument, removed);
      context.report({
        messageId: removed.replacement ? 'renamed' : 'removed',
        args: { name: argument.name, replacement: removed.replacement ?? '', note: removed.note },
        range: argument.nameRange,
        ...(fix ? { fixes: [fix] } : {}),
      });
    };
    for (const dag of context.file.dags) {
      for (const [name, removed] of Object.entries(DAG_ARGUMENTS)) {
        const argument = dag.args[name];
        if (argument) report(argument, removed, null);
      }
      const defaults = dag.defaultArgs?.entries;
      if (defaults) {
        for (const name of TASK_ARGUMENT_NAMES) {
          const entry = defaults[name];
          if (entry && !TASK_ARGUMENTS[name]!.operators) report(entry, TASK_ARGUMENTS[name]!, null);
        }
        if (defaults.trigger_rule) checkTriggerRule(context, defaults.trigger_rule, reported);
      }
      // Look the few names up rather than walking every argument of every task: this runs per keystroke.
      for (const task of dag.tasks) {
        for (const name of TASK_ARGUMENT_NAMES) {
          const argument = task.args[name];
          if (argument) report(argument, TASK_ARGUMENTS[name]!, task);
        }
        if (task.args.trigger_rule) checkTriggerRule(context, task.args.trigger_rule, reported);
      }
    }
  },
};

function argumentFix(context: RuleContext, argument: KeywordArgument, removed: RemovedArgument): Fix | null {
  if (removed.replacement) {
    return { title: `Rename ${argument.name}= to ${removed.replacement}=`, edits: [renameKeyword(context.text, argument, removed.replacement)], safe: true };
  }
  if (argument.name !== 'provide_context') return null;
  const edit = removeArgument(context.text, argument.range);
  return edit ? { title: `Remove ${argument.name}=`, edits: [edit], safe: true } : null;
}

function checkTriggerRule(context: RuleContext, argument: KeywordArgument, reported: Set<string>): void {
  const written = literalString(argument.value) ?? /(?:^|\.)TriggerRule\.([A-Z_]+)$/.exec(argument.value.text)?.[1]?.toLowerCase() ?? null;
  if (written === null) return;
  const replacement = TRIGGER_RULES[written];
  if (!replacement || reported.has(rangeKey(argument.value.range))) return;
  reported.add(rangeKey(argument.value.range));
  const newText = argument.value.kind === 'string' ? `"${replacement}"` : argument.value.text.replace(/[A-Z_]+$/, replacement.toUpperCase());
  context.report({
    messageId: 'triggerRule',
    args: { rule: written, replacement },
    range: argument.value.range,
    fixes: [{ title: `Use "${replacement}"`, edits: [replaceValue(argument, newText)], safe: true }],
  });
}
