import type { Rule } from './rule';
import { dagLabel, hasUnpackedArguments } from './support/expressions';
import { deduplicated } from './support/report';

/** A DAG without `dagrun_timeout`. */
export const missingDagrunTimeout: Rule = {
  meta: {
    id: 'missing-dagrun-timeout',
    summary: 'A DAG has no dagrun_timeout, so a stuck run can block later runs indefinitely.',
    defaultSeverity: 'information',
    category: 'operations',
    fix: 'none',
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
    },
  },
  check(checkContext) {
    const context = deduplicated(checkContext);
    for (const dag of context.file.dags) {
      if (dag.args.dagrun_timeout || hasUnpackedArguments(context.text, dag)) continue;
      context.report({
        messageId: 'missing',
        args: { dag: dagLabel(dag) },
        range: dag.dagIdRange ?? dag.range,
      });
    }
  },
};

