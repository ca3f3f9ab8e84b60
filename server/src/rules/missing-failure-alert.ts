import type { KeywordArgument } from '../analyzer/model';
import type { Rule } from './rule';
import { dagLabel, hasUnpackedArguments, literalBoolean, literalString } from './support/expressions';
import { deduplicated } from './support/report';

/**
 * A DAG where a failure would reach nobody: no `on_failure_callback` on the DAG or in `default_args`
 * (or on every task), and no `email` with `email_on_failure` left on.
 */
export const missingFailureAlert: Rule = {
  meta: {
    id: 'missing-failure-alert',
    summary: 'Nobody is told when this DAG fails: no on_failure_callback and no failure e-mail.',
    defaultSeverity: 'warning',
    category: 'operations',
    fix: 'none',
    messages: {
      missing: 'DAG {dag} alerts nobody when it fails: set on_failure_callback (on the DAG or in default_args, a function or a notifier) or an email address with email_on_failure.',
      emailDisabled: 'DAG {dag} sets an e-mail address but turns email_on_failure off, and has no on_failure_callback: nobody hears about failures.',
    },
    docs: {
      whatItDoes:
        'Checks that a failure of the DAG reaches someone: an `on_failure_callback` on the DAG, in `default_args` or on every task (functions and notifiers alike), or an `email` in `default_args` with `email_on_failure` not turned off. DAGs whose arguments are unpacked from elsewhere (`**common`) are not checked.',
      whyIsThisBad:
        'A DAG that fails silently is found out by the people downstream of its data, often days later. Airflow sends nothing by default unless it is told where to. If your platform alerts centrally (a cluster policy adding callbacks, a listener plugin), turn this rule off in the project settings.',
      example: 'with DAG("billing", schedule="@daily", start_date=pendulum.datetime(2024, 1, 1, tz="UTC"), catchup=False):',
      useInstead: [
        'with DAG(',
        '    "billing",',
        '    schedule="@daily",',
        '    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),',
        '    catchup=False,',
        '    on_failure_callback=notify_on_call,',
        '):',
      ].join('\n'),
    },
  },
  check(checkContext) {
    const context = deduplicated(checkContext);
    for (const dag of context.file.dags) {
      const defaults = dag.defaultArgs;
      if (defaults && (defaults.dynamic || defaults.form === 'unknown')) continue;
      if (hasUnpackedArguments(context.text, dag)) continue;
      if (isSet(dag.args.on_failure_callback) || isSet(defaults?.entries.on_failure_callback)) continue;
      if (dag.tasks.length > 0 && dag.tasks.every((task) => isSet(task.args.on_failure_callback))) continue;
      const email = defaults?.entries.email ?? dag.args.email;
      const emailOn = literalBoolean((defaults?.entries.email_on_failure ?? dag.args.email_on_failure)?.value);
      if (isSet(email) && emailOn !== false) continue;
      context.report({
        messageId: isSet(email) ? 'emailDisabled' : 'missing',
        args: { dag: dagLabel(dag) },
        range: dag.dagIdRange ?? dag.range,
      });
    }
  },
};

/** Present and not `None`, `[]`, `""` or `False`. */
function isSet(argument: KeywordArgument | undefined): boolean {
  if (!argument) return false;
  const value = argument.value;
  if (value.kind === 'none' || value.value === false) return false;
  if (value.kind === 'list' || value.kind === 'tuple') return (value.items?.length ?? 1) > 0;
  if (value.kind === 'string') return literalString(value) !== '';
  return true;
}

