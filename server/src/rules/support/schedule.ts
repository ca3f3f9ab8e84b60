import type { DagModel, ExprValue, FileModel } from '../../analyzer/model';
import { callAt, literalNumber } from './expressions';

/**
 * What a DAG's schedule and start date say about runs the scheduler will create on its own, shared by
 * rules about catchup and start dates.
 */

/**
 * True when the DAG runs on a time-based schedule, the only kind catchup applies to. An absent
 * schedule means daily in Airflow 2 and no schedule in Airflow 3; `None`, `@once`, `@continuous` and
 * dataset / asset schedules never back-fill intervals.
 */
export function hasTimeBasedSchedule(dag: DagModel, airflowVersion: 2 | 3): boolean {
  const schedule = dag.schedule;
  if (schedule === null) return airflowVersion === 2 && !('schedule' in dag.args) && !('schedule_interval' in dag.args) && !('timetable' in dag.args);
  const trimmed = schedule.trim();
  if (trimmed === 'None' || trimmed === '@once' || trimmed === '@continuous' || trimmed === '') return false;
  if (trimmed.startsWith('[') || trimmed.startsWith('(')) return false;
  if (/\b(Dataset|Asset|AssetAll|AssetAny|DatasetAll|DatasetAny)\s*\(|\bAssetOrTimeSchedule\b/.test(trimmed)) return false;
  return true;
}

/** The DAG's `start_date`: its own argument, else the one in `default_args`. */
export function startDateOf(dag: DagModel): ExprValue | null {
  return dag.args['start_date']?.value ?? dag.defaultArgs?.entries['start_date']?.value ?? null;
}

const DATE_CONSTRUCTORS = new Set([
  'datetime.datetime', 'pendulum.datetime', 'pendulum.DateTime', 'datetime.date', 'pendulum.date',
]);

/**
 * The date a start date expression names, when it is written as `datetime(2021, 1, 1)`,
 * `pendulum.datetime(2021, 1, 1, tz="UTC")` or `days_ago(n)` (relative to `now`); null otherwise.
 */
export function staticStartDate(file: FileModel, value: ExprValue | null, now: Date): Date | null {
  if (!value || value.kind !== 'call') return null;
  const call = callAt(file, value.range);
  if (!call) return null;
  const callee = call.qualifiedName ?? '';
  if (callee.endsWith('days_ago')) {
    const days = literalNumber(call.positional[0] ?? call.keywords['n']?.value);
    return days === null ? null : new Date(now.getTime() - days * 86_400_000);
  }
  if (!DATE_CONSTRUCTORS.has(callee)) return null;
  const part = (index: number, name: string, fallback: number | null) => literalNumber(call.positional[index] ?? call.keywords[name]?.value) ?? fallback;
  const year = part(0, 'year', null);
  const month = part(1, 'month', null);
  const day = part(2, 'day', 1);
  if (year === null || month === null || day === null) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  return Number.isNaN(date.getTime()) ? null : date;
}

/** `2021-01-01`. */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}
