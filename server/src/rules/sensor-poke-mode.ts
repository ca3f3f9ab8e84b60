import { effectiveTaskArgument, UNREADABLE } from './support/group-defaults';
import type { Fix, Rule, RuleContext } from './rule';
import type { TaskModel } from '../analyzer/model';
import { durationSeconds, formatSeconds } from './support/durations';
import { literalBoolean, literalString, taskRange } from './support/expressions';
import { insertKeywordArgument, replaceValue } from './support/edits';
import { deduplicated } from './support/report';

/** The arguments that decide how a sensor waits, as the task runs with them. */
const SETTINGS = ['mode', 'deferrable', 'timeout', 'poke_interval'];

/** Airflow's `BaseSensorOperator` defaults. */
const DEFAULT_TIMEOUT_SECONDS = 7 * 24 * 3600;
const DEFAULT_POKE_INTERVAL_SECONDS = 60;

/**
 * A sensor left in `poke` mode (the default) while it may wait long — a long or default `timeout` —
 * or sleeps long between checks: it occupies a worker slot for the whole wait.
 */
export const sensorPokeMode: Rule = {
  meta: {
    id: 'sensor-poke-mode',
    summary: 'A sensor waits in poke mode for a long time, holding a worker slot while it sleeps.',
    defaultSeverity: 'warning',
    category: 'performance',
    fix: 'unsafe',
    options: {
      maxPokeTimeoutSeconds: {
        type: 'number',
        default: 3600,
        description: 'A sensor in poke mode whose timeout is longer than this many seconds is reported (Airflow\'s default timeout is 7 days).',
      },
      maxPokeIntervalSeconds: {
        type: 'number',
        default: 300,
        description: 'A sensor in poke mode that sleeps at least this many seconds between checks is reported.',
      },
    },
    messages: {
      longTimeout: 'Sensor "{taskId}" waits in poke mode for up to {timeout}{defaulted}, holding a worker slot the whole time; use mode="reschedule" or deferrable=True.',
      longInterval: 'Sensor "{taskId}" sleeps {interval} between checks in poke mode, holding a worker slot while it sleeps; use mode="reschedule" or deferrable=True.',
    },
    docs: {
      whatItDoes:
        'Finds sensors in `poke` mode (the default) that may wait long — a `timeout` above the `max-poke-timeout-seconds` option (one hour by default), or no `timeout`, which means 7 days — or that sleep at least `max-poke-interval-seconds` (five minutes) between checks. `mode`, `deferrable`, `timeout` and `poke_interval` are read from the task, then from the `default_args` of its TaskGroups, then from the DAG\'s.',
      whyIsThisBad:
        'In poke mode a sensor keeps its worker slot (and pool slot) for its entire wait, even while sleeping between checks. A handful of sensors waiting for late files can fill a deployment\'s workers and stall every other DAG. In `reschedule` mode the sensor frees its slot between checks; a deferrable sensor waits in the triggerer at almost no cost.',
      example: 'wait = S3KeySensor(task_id="wait_for_export", bucket_key="exports/{{ ds }}/done", timeout=6 * 3600)',
      useInstead: 'wait = S3KeySensor(task_id="wait_for_export", bucket_key="exports/{{ ds }}/done", timeout=6 * 3600, mode="reschedule")',
      fixSafety:
        'The fix sets `mode="reschedule"`. It is marked unsafe because a custom sensor that keeps state in memory between pokes loses it when rescheduled, and mapped sensors need Airflow 2.6 or later in reschedule mode; for the sensors Airflow and its providers ship, the change only frees the worker between checks.',
    },
  },
  check(checkContext) {
    const context = deduplicated(checkContext);
    const maxTimeout = context.option<number>('maxPokeTimeoutSeconds');
    const maxInterval = context.option<number>('maxPokeIntervalSeconds');
    for (const dag of context.file.dags) {
      if (dag.defaultArgs?.dynamic) continue;
      for (const task of dag.tasks) {
        // `...SensorAsync` classes always defer: they never hold a worker while waiting.
        if (task.kind !== 'sensor' || /Async$/.test(task.operator)) continue;
        const [mode, deferrable, timeoutArgument, intervalArgument] = SETTINGS.map((name) => effectiveTaskArgument(dag, task, name));
        // A TaskGroup's default_args that cannot be read may set any of them.
        if (mode === UNREADABLE || deferrable === UNREADABLE || timeoutArgument === UNREADABLE || intervalArgument === UNREADABLE) continue;
        if (mode && literalString(mode.value) !== 'poke') continue;
        if (deferrable && literalBoolean(deferrable.value) !== false) continue;
        const timeout = timeoutArgument ? durationSeconds(context.file, timeoutArgument.value) : DEFAULT_TIMEOUT_SECONDS;
        const interval = intervalArgument ? durationSeconds(context.file, intervalArgument.value) : DEFAULT_POKE_INTERVAL_SECONDS;
        const fix = rescheduleFix(context, task);
        const report = { range: taskRange(task), ...(fix ? { fixes: [fix] } : {}) };
        if (timeout !== null && timeout > maxTimeout) {
          context.report({
            messageId: 'longTimeout',
            args: { taskId: task.taskId, timeout: formatSeconds(timeout), defaulted: timeoutArgument ? '' : ' (the default timeout)' },
            ...report,
          });
        } else if (interval !== null && interval >= maxInterval) {
          context.report({ messageId: 'longInterval', args: { taskId: task.taskId, interval: formatSeconds(interval) }, ...report });
        }
      }
    }
  },
};

function rescheduleFix(context: RuleContext, task: TaskModel): Fix | null {
  const title = 'Use mode="reschedule"';
  if (task.args.mode) return { title, edits: [replaceValue(task.args.mode, '"reschedule"')], safe: false };
  if (task.kind !== 'sensor' || task.operator.startsWith('@')) return null;
  const edits = insertKeywordArgument(context.file, context.text, task.range, 'mode="reschedule"');
  return edits ? { title, edits, safe: false } : null;
}
