import type { DagModel, ExprValue, FileModel, TaskModel } from '../analyzer/model';
import { effectiveTaskArgument, UNREADABLE } from './support/group-defaults';
import type { Fix, Rule, RuleContext } from './rule';
import { dagGraph, reachableFrom, type DagGraph } from './support/dag-graph';
import { literalString, sameRange, taskRange } from './support/expressions';
import { insertKeywordArgument, replaceValue } from './support/edits';
import { deduplicated } from './support/report';
import { lineIndexOf } from './text';

const JOIN_RULE = 'none_failed_min_one_success';

/**
 * Branching mistakes: a task where branches of a `@task.branch` / `BranchPythonOperator` meet again
 * that keeps the default `all_success` trigger rule (it is skipped whenever one branch is not taken),
 * and a branch callable returning a literal task id that is not directly downstream of the branch.
 */
export const branchJoinTriggerRule: Rule = {
  meta: {
    id: 'branch-join-trigger-rule',
    summary: 'A task joining the branches of a branch operator keeps the all_success trigger rule, so it is always skipped.',
    defaultSeverity: 'warning',
    category: 'reliability',
    fix: 'safe',
    messages: {
      join: 'Task "{taskId}" joins the branches of "{branch}" but keeps the trigger rule all_success: whenever a branch is not taken, this task is skipped too. Use trigger_rule="none_failed_min_one_success".',
      notDownstream: 'The branch "{branch}" returns "{returned}", which is not directly downstream of it; Airflow only follows task ids of direct downstream tasks (directly downstream: {downstream}).',
      unknownTask: 'The branch "{branch}" returns "{returned}", but this DAG has no such task or TaskGroup.',
      missingPrefix: 'The branch "{branch}" returns "{returned}", but that task is in TaskGroup "{group}": return its full id "{expected}".',
    },
    docs: {
      whatItDoes:
        'For every branching task (`@task.branch`, `BranchPythonOperator` and the other branch operators) finds the tasks where two of its branches meet again — or where a branch and the branching task itself meet, as in `branch >> [work, join]; work >> join` — and reports those that keep the default `all_success` trigger rule (set on the task or in `default_args`). It also checks the literal task ids a branch callable returns: each must be a task (or TaskGroup) directly downstream of the branch, with its TaskGroup prefix.',
      whyIsThisBad:
        'A branch operator marks every branch it does not follow as skipped. With `all_success`, a task waiting on a skipped upstream is skipped as well, so the join — and everything after it — never runs on the paths that skip a branch, silently. `none_failed_min_one_success` runs the join when at least one upstream succeeded and none failed. A returned id that is not directly downstream (a typo, a missing TaskGroup prefix, a task further down) makes Airflow skip every branch or fail the task at run time.',
      example: [
        '@task.branch',
        'def choose(**context):',
        '    return "full_load" if context["params"]["full"] else "incremental_load"',
        '',
        'full_load = BashOperator(task_id="full_load", bash_command="load.sh --full")',
        'incremental_load = BashOperator(task_id="incremental_load", bash_command="load.sh")',
        'publish = BashOperator(task_id="publish", bash_command="publish.sh")',
        'choose() >> [full_load, incremental_load] >> publish',
      ].join('\n'),
      useInstead: [
        'publish = BashOperator(',
        '    task_id="publish",',
        '    bash_command="publish.sh",',
        '    trigger_rule="none_failed_min_one_success",',
        ')',
      ].join('\n'),
      fixSafety:
        'The fix sets `trigger_rule="none_failed_min_one_success"` on the joining task (replacing an explicit `all_success`). That is what the join needs to run after a branch: it still never runs after a failure upstream. A short-circuit operator is not checked: by default it skips everything downstream whatever the trigger rules.',
    },
  },
  check(checkContext) {
    const context = deduplicated(checkContext);
    const { file } = context;
    for (const dag of file.dags) {
      const branches = dag.tasks.filter((task) => task.kind === 'branch');
      if (branches.length === 0) continue;
      const graph = dagGraph(dag);
      const reported = new Set<string>();
      for (const branch of branches) {
        for (const join of joinsAfter(graph, branch)) {
          if (reported.has(join.taskId) || join.role === 'teardown' || !keepsAllSuccess(join, dag)) continue;
          reported.add(join.taskId);
          const fix = triggerRuleFix(context, join);
          context.report({
            messageId: 'join',
            args: { taskId: join.taskId, branch: branch.taskId },
            range: taskRange(join),
            related: [{ message: `Branching task "${branch.taskId}"`, range: taskRange(branch) }],
            ...(fix ? { fixes: [fix] } : {}),
          });
        }
        if (dag.dynamic.length === 0) checkReturnedIds(context, dag, graph, branch);
      }
    }
  },
};

/**
 * The tasks whose direct upstream tasks lie on different branches of `branch` (the branching task
 * itself counting as a branch of its own): the places where one branch can be skipped while the task
 * still waits for it.
 */
function joinsAfter(graph: DagGraph, branch: TaskModel): TaskModel[] {
  const children = [...(graph.downstream.get(branch.taskId) ?? [])];
  if (children.length < 2) return [];
  const branchesOf = new Map<string, Set<string>>();
  for (const child of children) {
    for (const reached of [child, ...reachableFrom(graph, child)]) {
      let set = branchesOf.get(reached);
      if (!set) branchesOf.set(reached, (set = new Set()));
      set.add(child);
    }
  }
  const joins: TaskModel[] = [];
  for (const candidate of branchesOf.keys()) {
    const upstream = graph.upstream.get(candidate) ?? new Set<string>();
    if (upstream.size < 2) continue;
    const seen = new Set<string>();
    for (const parent of upstream) {
      if (parent === branch.taskId) seen.add('\u0000branch');
      for (const child of branchesOf.get(parent) ?? []) seen.add(child);
    }
    const task = graph.tasksById.get(candidate);
    if (task && seen.size >= 2) joins.push(task);
  }
  return joins;
}

function keepsAllSuccess(task: TaskModel, dag: DagModel): boolean {
  const argument = effectiveTaskArgument(dag, task, 'trigger_rule');
  if (argument === UNREADABLE) return false;
  if (!argument) return !(dag.defaultArgs?.dynamic ?? false);
  const written = literalString(argument.value) ?? triggerRuleMember(argument.value);
  return written === 'all_success';
}

/** `TriggerRule.ALL_SUCCESS` → `all_success`. */
function triggerRuleMember(value: ExprValue): string | null {
  const match = /(?:^|\.)TriggerRule\.([A-Z_]+)$/.exec(value.text);
  return match ? match[1]!.toLowerCase() : null;
}

function triggerRuleFix(context: RuleContext, join: TaskModel): Fix | null {
  const title = 'Set trigger_rule="none_failed_min_one_success"';
  const existing = join.args.trigger_rule;
  if (existing) return { title, edits: [replaceValue(existing, `"${JOIN_RULE}"`)], safe: true };
  if (join.kind === 'taskflow') {
    const edit = decoratorEdit(context.file, context.text, join);
    return edit ? { title, edits: [edit], safe: true } : null;
  }
  const edits = insertKeywordArgument(context.file, context.text, join.range, `trigger_rule="${JOIN_RULE}"`);
  return edits ? { title, edits, safe: true } : null;
}

/** For a TaskFlow task used once: `@task` / `@task()` above its function becomes `@task(trigger_rule=...)`. */
function decoratorEdit(file: FileModel, text: string, join: TaskModel) {
  const callable = join.callable;
  if (!callable) return null;
  const uses = file.dags.reduce((count, dag) => count + dag.tasks.filter((task) => task.callable?.name === callable.name).length, 0);
  if (uses !== 1) return null;
  const fn = file.functions.find((candidate) => candidate.name === callable.name && (sameRange(candidate.nameRange, callable.range) || sameRange(candidate.range, callable.range)));
  if (!fn) return null;
  const lines = lineIndexOf(text);
  for (let line = fn.nameRange.start.line - 1; line >= 0 && line >= fn.nameRange.start.line - 5; line--) {
    const content = lines.lineText(line);
    const match = /^([ \t]*@[\w.]*\btask)(\(\s*\))?[ \t]*$/.exec(content);
    if (match) {
      return {
        range: { start: { line, character: match[1]!.length }, end: { line, character: content.trimEnd().length } },
        newText: `(trigger_rule="${JOIN_RULE}")`,
      };
    }
    if (!/^[ \t]*@/.test(content)) return null;
  }
  return null;
}

function checkReturnedIds(context: RuleContext, dag: DagModel, graph: DagGraph, branch: TaskModel): void {
  const callable = branch.callable;
  if (!callable) return;
  const fn = context.file.functions.find((candidate) => candidate.name === callable.name && (sameRange(candidate.nameRange, callable.range) || sameRange(candidate.range, callable.range)));
  if (!fn) return;
  const direct = graph.downstream.get(branch.taskId);
  if (!direct || direct.size === 0) return;
  const groups = new Set(dag.groups.map((group) => group.groupId));
  for (const returned of fn.returns) {
    const literals = returned.items ? returned.items : [returned];
    for (const item of literals) {
      const id = literalString(item);
      if (id === null) continue;
      if (direct.has(id) || (groups.has(id) && [...direct].some((child) => child.startsWith(`${id}.`)))) continue;
      const downstream = [...direct].map((child) => `"${child}"`).join(', ');
      // The most common slip: the local id of a task inside a TaskGroup, without the group prefix.
      const prefixed = [...direct].find((child) => child.endsWith(`.${id}`));
      if (prefixed) {
        const group = prefixed.slice(0, prefixed.length - id.length - 1);
        context.report({ messageId: 'missingPrefix', args: { branch: branch.taskId, returned: id, group, expected: prefixed }, range: item.range });
      } else if (graph.tasksById.has(id) || groups.has(id)) {
        context.report({ messageId: 'notDownstream', args: { branch: branch.taskId, returned: id, downstream }, range: item.range });
      } else if (!dag.tasks.some((task) => task.dynamicId)) {
        context.report({ messageId: 'unknownTask', args: { branch: branch.taskId, returned: id }, range: item.range });
      }
    }
  }
}
