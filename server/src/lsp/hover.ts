import type { MarkupContent } from 'vscode-languageserver';
import type { DagModel, FileModel, Position, Range, TaskModel } from '../analyzer/model';
import { effectiveTaskArgument, UNREADABLE } from '../rules/support/group-defaults';

/**
 * The settings a hover explains, with what Airflow uses when neither the task nor `default_args` set them
 * (Airflow's `[core] default_task_retries`, `default_task_retry_delay`, `default_task_execution_timeout`,
 * `BaseOperator`'s `trigger_rule` and `pool` defaults).
 */
const EFFECTIVE_SETTINGS: { name: string; airflowDefault: string }[] = [
  { name: 'retries', airflowDefault: '0' },
  { name: 'retry_delay', airflowDefault: '300 seconds' },
  { name: 'execution_timeout', airflowDefault: 'none (no timeout)' },
  { name: 'trigger_rule', airflowDefault: 'all_success' },
  { name: 'pool', airflowDefault: 'default_pool' },
];

/** How many neighbour ids a hover lists before summarising the rest. */
const MAX_LISTED_NEIGHBOURS = 15;

/**
 * The hover for a position: on a TaskFlow function's or python_callable's name, the task(s) it becomes;
 * else the task under it (innermost); else the DAG whose definition it is on.
 */
export function hoverAt(file: FileModel, position: Position): { contents: MarkupContent; range: Range } | null {
  // On the name of a TaskFlow function or python_callable: the task(s) it becomes.
  for (const fn of file.functions) {
    if (!contains(fn.nameRange, position)) continue;
    // Matched by position, not name: two factories may each define their own `extract`.
    const definedHere = (task: TaskModel) => task.callable !== null && task.callable.name === fn.name
      && (samePosition(task.callable.range.start, fn.nameRange.start) || samePosition(task.callable.range.start, fn.range.start));
    const uses = file.dags.flatMap((dag) => dag.tasks.filter(definedHere).map((task) => ({ task, dag })));
    if (uses.length === 0) break;
    const first = uses[0]!;
    const more = uses.length > 1 ? `\n\n_Also runs as ${uses.slice(1, 1 + MAX_LISTED_NEIGHBOURS).map(({ task }) => code(task.taskId)).join(', ')}${uses.length - 1 > MAX_LISTED_NEIGHBOURS ? ' and more' : ''}._` : '';
    return { contents: markdown(taskHover(first.task, first.dag) + more), range: fn.nameRange };
  }
  let best: { task: TaskModel; dag: DagModel; range: Range } | null = null;
  for (const dag of file.dags) {
    for (const task of dag.tasks) {
      for (const range of [task.taskIdRange, task.range]) {
        if (range && contains(range, position) && (!best || isSmaller(range, best.range))) best = { task, dag, range };
      }
    }
  }
  if (best) return { contents: markdown(taskHover(best.task, best.dag)), range: best.range };
  for (const dag of file.dags) {
    const range = dag.dagIdRange && contains(dag.dagIdRange, position) ? dag.dagIdRange : contains(dag.range, position) ? dag.range : null;
    if (range) return { contents: markdown(dagHover(dag)), range };
  }
  return null;
}

/** Markdown describing a task: operator, where it lives, its effective settings and its neighbours. */
export function taskHover(task: TaskModel, dag: DagModel): string {
  const lines: string[] = [];
  const where = [`DAG ${code(dag.dagId ?? '(dynamic)')}`];
  if (task.group) where.push(`group ${code(task.group)}`);
  const traits = [task.mapped ? 'mapped' : null, task.role].filter((trait): trait is string => trait !== null);
  lines.push(`**${escapeMarkdown(task.taskId)}** — ${code(task.operator)}${traits.length ? ` (${traits.join(', ')})` : ''} · ${where.join(' · ')}`);
  if (task.dynamicId) lines.push('', '_The task id is computed at run time; shown as a best guess._');
  lines.push('', '| setting | effective value |', '| --- | --- |');
  for (const setting of EFFECTIVE_SETTINGS) {
    const argument = effectiveTaskArgument(dag, task, setting.name);
    let value: string;
    if (argument === UNREADABLE) value = '_unknown: its TaskGroup default_args cannot be read statically_';
    else if (!argument) value = `${setting.airflowDefault} _(Airflow default)_`;
    else if (task.args[setting.name] === argument) value = code(oneLine(argument.value.text));
    else if (dag.defaultArgs?.entries[setting.name] === argument) value = `${code(oneLine(argument.value.text))} _(from default_args)_`;
    else value = `${code(oneLine(argument.value.text))} _(from TaskGroup default_args)_`;
    lines.push(`| ${setting.name} | ${value} |`);
  }
  const upstream = neighbours(dag, task.taskId, 'up');
  const downstream = neighbours(dag, task.taskId, 'down');
  lines.push('', `**Upstream:** ${listIds(upstream)}  `, `**Downstream:** ${listIds(downstream)}`);
  return lines.join('\n');
}

/** Markdown describing a DAG: schedule, catchup and size. */
export function dagHover(dag: DagModel): string {
  const lines = [`**DAG ${escapeMarkdown(dag.dagId ?? '(dynamic dag_id)')}**`, ''];
  lines.push(`- schedule: ${dag.schedule !== null ? code(oneLine(dag.schedule)) : '_not set_'}`);
  lines.push(`- catchup: ${dag.catchup !== null ? code(String(dag.catchup)) : '_not set_'}`);
  lines.push(`- ${dag.tasks.length} task${dag.tasks.length === 1 ? '' : 's'}, ${dag.edges.length} dependenc${dag.edges.length === 1 ? 'y' : 'ies'}, ${dag.groups.length} TaskGroup${dag.groups.length === 1 ? '' : 's'}`);
  if (dag.dynamic.length > 0) lines.push(`- ${dag.dynamic.length} part${dag.dynamic.length === 1 ? '' : 's'} only known at run time`);
  return lines.join('\n');
}

function neighbours(dag: DagModel, taskId: string, direction: 'up' | 'down'): string[] {
  const ids = new Set<string>();
  for (const edge of dag.edges) {
    if (direction === 'up' && edge.to === taskId) ids.add(edge.from);
    if (direction === 'down' && edge.from === taskId) ids.add(edge.to);
  }
  return [...ids];
}

function listIds(ids: string[]): string {
  if (ids.length === 0) return '_none_';
  const shown = ids.slice(0, MAX_LISTED_NEIGHBOURS).map(code).join(', ');
  return ids.length > MAX_LISTED_NEIGHBOURS ? `${shown} and ${ids.length - MAX_LISTED_NEIGHBOURS} more` : shown;
}

function markdown(value: string): MarkupContent {
  return { kind: 'markdown', value };
}

/** Inline code that survives backticks and table pipes in the text. */
function code(text: string): string {
  const clean = text.replace(/\|/g, '\\|');
  const fence = clean.includes('`') ? '`` ' : '`';
  return `${fence}${clean}${fence === '`` ' ? ' ``' : '`'}`;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 80 ? `${flat.slice(0, 77)}...` : flat;
}

function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_{}\[\]()#+\-.!|<>])/g, '\\$1');
}

function contains(range: Range, position: Position): boolean {
  const afterStart = position.line > range.start.line || (position.line === range.start.line && position.character >= range.start.character);
  const beforeEnd = position.line < range.end.line || (position.line === range.end.line && position.character <= range.end.character);
  return afterStart && beforeEnd;
}

function samePosition(a: Position, b: Position): boolean {
  return a.line === b.line && a.character === b.character;
}

function isSmaller(a: Range, b: Range): boolean {
  const linesA = a.end.line - a.start.line;
  const linesB = b.end.line - b.start.line;
  if (linesA !== linesB) return linesA < linesB;
  return a.end.character - a.start.character < b.end.character - b.start.character;
}
