import type { DagModel } from '../analyzer/model';
import type { Fix, Rule, RuleContext } from './rule';
import { dagLabel, hasUnpackedArguments } from './support/expressions';
import { insertDagKeyword } from './support/dag-ranges';
import { durationExpression } from './support/dict-entries';
import { deduplicated } from './support/report';

/** A DAG without `dagrun_timeout`. */
export const missingDagrunTimeout: Rule = {
  meta: {
    id: 'missing-dagrun-timeout',
    summary: 'A DAG has no dagrun_timeout, so a stuck run can block later runs indefinitely.',
    defaultSeverity: 'information',
    category: 'operations',
    fix: 'unsafe',
    options: {
      timeoutMinutes: {
        type: 'number',
        default: 240,
        description: 'The dagrun_timeout, in minutes, that the fix writes; pick one a little above a run\'s normal duration.',
      },
    },
    messages: {
      missing: 'DAG {dag} has no dagrun_timeout: a run that never finishes keeps counting against max_active_runs and delays every later run. Set one a little above the run\'s normal duration.',
    },
    docs: {
      whatItDoes: 'Finds DAGs defined without a `dagrun_timeout` argument.',
      whyIsThisBad:
        'A DAG run that never finishes — a task stuck in a queue, a sensor waiting for data that never comes — stays running. With `max_active_runs=1` (a common and sensible setting) it holds back every later run, and with catch-up the backlog grows silently. `dagrun_timeout` fails the run after a bounded time, which also triggers the failure callback so someone hears about it.',
      example: 'with DAG("ledger", schedule="@daily", start_date=pendulum.datetime(2024, 1, 1, tz="UTC"), catchup=False):',
      useInstead: [
        'with DAG(',
        '    "ledger",',
        '    schedule="@daily",',
        '    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),',
        '    catchup=False,',
        '    dagrun_timeout=timedelta(hours=2),',
        '):',
      ].join('\n'),
      fixSafety:
        'The fix adds `dagrun_timeout` (the `timeout-minutes` option, four hours by default) to the DAG and imports `timedelta` when needed. It is unsafe: a run that normally takes longer would now be failed, so check the value against the DAG\'s run times.',
    },
  },
  check(checkContext) {
    const context = deduplicated(checkContext);
    for (const dag of context.file.dags) {
      if (dag.args.dagrun_timeout || hasUnpackedArguments(context.text, dag)) continue;
      const fix = dagrunTimeoutFix(context, dag);
      context.report({
        messageId: 'missing',
        args: { dag: dagLabel(dag) },
        range: dag.dagIdRange ?? dag.range,
        ...(fix ? { fixes: [fix] } : {}),
      });
    }
  },
};


function dagrunTimeoutFix(context: RuleContext, dag: DagModel): Fix | null {
  const minutes = context.option<number>('timeoutMinutes');
  const duration = durationExpression(context.file, context.text, minutes);
  if (!duration) return null;
  const edits = insertDagKeyword(context.file, context.text, dag, `dagrun_timeout=${duration.expression}`);
  if (!edits) return null;
  return { title: `Set dagrun_timeout to ${minutes} minutes`, edits: [...edits, ...duration.imports], safe: false };
}
