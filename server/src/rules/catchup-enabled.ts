import type { DagModel, FileModel } from '../analyzer/model';
import type { Fix, Report, Rule } from './rule';
import { dagReportRange, insertDagKeyword } from './support/dag-ranges';
import { replaceValue } from './support/edits';
import { hasTimeBasedSchedule, isoDay, startDateOf, staticStartDate } from './support/schedule';

/** A start date this far back turns catchup into a noticeable backfill. */
const FAR_IN_THE_PAST_DAYS = 7;

export const catchupEnabled: Rule = {
  meta: {
    id: 'catchup-enabled',
    summary: 'A scheduled DAG runs with catchup on, so deploying it back-fills every interval since its start date.',
    defaultSeverity: 'warning',
    category: 'operations',
    fix: 'safe',
    messages: {
      explicit: 'DAG {dag} sets catchup=True: when it is first deployed or un-paused, the scheduler creates a run for every missed interval since its start date.',
      explicitBackfill: 'DAG {dag} sets catchup=True with start_date {startDate}: when it is first deployed or un-paused, the scheduler back-fills a run for every interval since then.',
      viaVariable: 'DAG {dag} gets catchup=True from {variable}: when it is first deployed or un-paused, the scheduler creates a run for every missed interval since its start date.',
      omitted: 'DAG {dag} does not set catchup, and Airflow 2 defaults it to True: the scheduler creates a run for every missed interval since its start date. Set catchup=False unless you want that.',
      omittedBackfill: 'DAG {dag} does not set catchup, and Airflow 2 defaults it to True: with start_date {startDate}, the first deploy back-fills a run for every interval since then. Set catchup=False unless you want that.',
    },
    docs: {
      whatItDoes:
        'Flags DAGs on a time-based schedule that run with catchup enabled: `catchup=True` written directly or through a variable holding `True`, and — when the target is Airflow 2, whose `catchup_by_default` is `True` — DAGs that do not set `catchup` at all. DAGs without a time-based schedule (`None`, `@once`, dataset or asset schedules) are left alone.',
      whyIsThisBad:
        'With catchup on, the scheduler creates one run for every schedule interval between `start_date` (or the last run) and now the moment the DAG is deployed or un-paused. A daily DAG with a start date two years back starts about 700 runs at once: it floods the workers, hammers the source systems and can write duplicate data. Backfills are better started on purpose, with `airflow dags backfill` or the UI.',
      example: [
        'with DAG(',
        '    "orders",',
        '    schedule="@daily",',
        '    start_date=pendulum.datetime(2021, 1, 1, tz="UTC"),',
        '    catchup=True,',
        '):',
        '    ...',
      ].join('\n'),
      useInstead: [
        'with DAG(',
        '    "orders",',
        '    schedule="@daily",',
        '    start_date=pendulum.datetime(2021, 1, 1, tz="UTC"),',
        '    catchup=False,',
        '):',
        '    ...',
      ].join('\n'),
      fixSafety:
        'The fix writes `catchup=False`: it replaces the value of an existing `catchup` argument or adds the argument to the DAG call, keeping the layout. It changes only whether missed intervals are scheduled, which is what the rule is about; runs that already happened are untouched. When the value came from a variable, only this DAG\'s argument changes, not the variable.',
    },
  },
  check(context) {
    const now = new Date();
    for (const dag of context.file.dags) {
      if (!hasTimeBasedSchedule(dag, context.config.airflowVersion)) continue;
      const report = catchupReport(context.file, context.text, dag, context.config.airflowVersion, now);
      if (report) context.report(report);
    }
  },
};

function catchupReport(file: FileModel, text: string, dag: DagModel, airflowVersion: 2 | 3, now: Date): Report | null {
  const dagName = dag.dagId === null ? 'with a computed id' : `"${dag.dagId}"`;
  const start = staticStartDate(file, startDateOf(dag), now);
  const farInThePast = start !== null && now.getTime() - start.getTime() > FAR_IN_THE_PAST_DAYS * 86_400_000;
  const startDate = start ? isoDay(start) : '';
  const argument = dag.args['catchup'];
  if (argument) {
    if (argument.value.value !== true) return null;
    const fix: Fix = { title: 'Set catchup=False', safe: true, edits: [replaceValue(argument, 'False')] };
    if (argument.value.resolvedFrom && argument.value.kind === 'name') {
      return {
        messageId: 'viaVariable',
        args: { dag: dagName, variable: argument.value.text },
        range: argument.range,
        related: [{ message: `${argument.value.text} is set to True here`, range: argument.value.resolvedFrom }],
        fixes: [fix],
      };
    }
    return {
      messageId: farInThePast ? 'explicitBackfill' : 'explicit',
      args: { dag: dagName, startDate },
      range: argument.range,
      fixes: [fix],
    };
  }
  if (airflowVersion !== 2) return null;
  const fix = insertCatchupFix(file, text, dag);
  return {
    messageId: farInThePast ? 'omittedBackfill' : 'omitted',
    args: { dag: dagName, startDate },
    range: dagReportRange(file, text, dag),
    fixes: fix ? [fix] : [],
  };
}

function insertCatchupFix(file: FileModel, text: string, dag: DagModel): Fix | null {
  const edits = insertDagKeyword(file, text, dag, 'catchup=False');
  return edits ? { title: 'Set catchup=False', safe: true, edits } : null;
}
