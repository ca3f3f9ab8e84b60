import type { DagModel, KeywordArgument, TaskModel } from '../../analyzer/model';
import { effectiveArgument } from '../../analyzer/effective';

/** One entry a TaskGroup's `default_args` give its tasks, with the group that wrote it. */
export interface GroupDefaultEntry {
  argument: KeywordArgument;
  /** The group whose `default_args` hold the entry (an enclosing one, for nested groups). */
  group: string;
}

/** What the `default_args` of a group and the groups around it give the group's tasks. */
export interface GroupDefaults {
  entries: Map<string, GroupDefaultEntry>;
  /** The group (or an enclosing one) passes default_args that cannot be read. */
  unknown: boolean;
}

const byDag = new WeakMap<DagModel, Map<string, GroupDefaults>>();

/**
 * The `default_args` each TaskGroup of `dag` gives its tasks, enclosing groups included (an inner
 * group's entries win, as Airflow merges them), by group id; groups with none are absent. Both
 * `with TaskGroup(..., default_args=...)` and `@task_group(default_args=...)` are read.
 */
export function groupDefaults(dag: DagModel): Map<string, GroupDefaults> {
  let merged = byDag.get(dag);
  if (!merged) byDag.set(dag, (merged = mergeGroupDefaults(dag)));
  return merged;
}

/** What the task's TaskGroups give it through their `default_args`, if anything. */
export function taskGroupDefaults(dag: DagModel, task: TaskModel): GroupDefaults | undefined {
  return task.group === null ? undefined : groupDefaults(dag).get(task.group);
}

/** Marks an argument a TaskGroup's unreadable `default_args` may set: the rules then stay silent. */
export const UNREADABLE = 'unreadable';

/**
 * The argument a task runs with: its own keyword argument, else the `default_args` of its TaskGroups,
 * else its DAG's; null when none sets it, {@link UNREADABLE} when a group's `default_args` cannot be read.
 */
export function effectiveTaskArgument(dag: DagModel, task: TaskModel, name: string): KeywordArgument | null | typeof UNREADABLE {
  if (Object.prototype.hasOwnProperty.call(task.args, name)) return effectiveArgument(task, dag, name);
  const fromGroups = taskGroupDefaults(dag, task);
  if (fromGroups) {
    const entry = fromGroups.entries.get(name);
    if (entry) return entry.argument;
    if (fromGroups.unknown) return UNREADABLE;
  }
  return effectiveArgument(task, dag, name);
}

function mergeGroupDefaults(dag: DagModel): Map<string, GroupDefaults> {
  const own = new Map<string, GroupDefaults>();
  for (const group of dag.groups) {
    const defaults = group.defaultArgs;
    if (!defaults) continue;
    // Entries the model read are used even when others could not be read (`**other`); those others are unknown.
    const entries = defaults.entries;
    own.set(group.groupId, {
      entries: new Map(Object.keys(entries).map((name) => [name, { argument: entries[name]!, group: group.groupId }])),
      unknown: defaults.form === 'unknown' || defaults.dynamic,
    });
  }
  const merged = new Map<string, GroupDefaults>();
  if (own.size === 0) return merged;
  const byId = new Map(dag.groups.map((group) => [group.groupId, group]));
  for (const group of dag.groups) {
    const result: GroupDefaults = { entries: new Map(), unknown: false };
    const chain: string[] = [];
    for (let id: string | null = group.groupId; id !== null && chain.length < 64; id = byId.get(id)?.parent ?? null) chain.push(id);
    for (const id of chain.reverse()) {
      const layer = own.get(id);
      if (!layer) continue;
      result.unknown ||= layer.unknown;
      for (const [name, entry] of layer.entries) result.entries.set(name, entry);
    }
    if (result.unknown || result.entries.size > 0) merged.set(group.groupId, result);
  }
  return merged;
}
