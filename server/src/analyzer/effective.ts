import type { DagModel, KeywordArgument, TaskModel } from './model';

/**
 * The argument a task runs with: its own keyword argument (for TaskFlow tasks the decorator's and
 * `.override(...)`'s), else the entry of its DAG's `default_args`, else null. This is what Airflow's
 * `apply_defaults` does for the arguments written in the file.
 */
export function effectiveArgument(task: TaskModel, dag: DagModel | null, name: string): KeywordArgument | null {
  const own = Object.prototype.hasOwnProperty.call(task.args, name) ? task.args[name] : undefined;
  if (own) return own;
  const defaults = dag?.defaultArgs?.entries;
  if (defaults && Object.prototype.hasOwnProperty.call(defaults, name)) return defaults[name] ?? null;
  return null;
}
