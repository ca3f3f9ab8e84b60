import type { DiagnosticSeverityName, GraphDag, GraphSnapshot, GraphTask, GraphTaskDetails, GraphTaskDiagnostic } from '../../../protocol/lsp';
import type { DagModel, FileModel, KeywordArgument, Position, Range, TaskModel } from '../analyzer/model';
import type { Finding } from '../rules/rule';
import { effectiveTaskArgument, UNREADABLE } from '../rules/support/group-defaults';
import { edgesOnCycles } from './cycles';

/**
 * The graph the panel draws for one document version: every DAG's tasks with their effective settings
 * (after `default_args`) and the findings that fall inside them, edges marked when they lie on a cycle.
 *
 * Pure and total: any model yields a snapshot. `parseOk` is false while the file has syntax errors, so
 * the panel can keep showing the last good graph.
 */
export function toGraphSnapshot(file: FileModel, findings: readonly Finding[], uri: string, version: number): GraphSnapshot {
  return {
    uri,
    version,
    parseOk: file.syntaxErrors.length === 0,
    dags: file.dags.map((dag) => toGraphDag(dag, findings)),
  };
}

function toGraphDag(dag: DagModel, findings: readonly Finding[]): GraphDag {
  const diagnosticsByTask = assignFindingsToTasks(dag.tasks, findings);
  const onCycle = edgesOnCycles(dag.edges);
  return {
    dagId: dag.dagId,
    range: dag.range,
    tasks: dag.tasks.map((task): GraphTask => ({
      taskId: task.taskId,
      operator: task.operator,
      kind: task.kind,
      mapped: task.mapped,
      role: task.role,
      group: task.group,
      range: task.range,
      details: effectiveDetails(task, dag),
      diagnostics: diagnosticsByTask.get(task) ?? [],
    })),
    edges: dag.edges.map((edge, index) => ({
      from: edge.from,
      to: edge.to,
      label: edge.label,
      kind: edge.kind,
      inCycle: onCycle[index],
    })),
    groups: dag.groups.map(({ groupId, localGroupId, parent, range, prefixGroupId }) => ({ groupId, localGroupId, parent, range, prefixGroupId })),
    dynamic: dag.dynamic,
  };
}

/** Airflow's keyword names for the settings the hover card shows. */
const DETAIL_ARGUMENTS: Record<keyof GraphTaskDetails, string> = {
  retries: 'retries',
  retryDelay: 'retry_delay',
  executionTimeout: 'execution_timeout',
  triggerRule: 'trigger_rule',
  pool: 'pool',
};

function effectiveDetails(task: TaskModel, dag: DagModel): GraphTaskDetails {
  const details = {} as GraphTaskDetails;
  for (const key of Object.keys(DETAIL_ARGUMENTS) as Array<keyof GraphTaskDetails>) {
    const argument = effectiveTaskArgument(dag, task, DETAIL_ARGUMENTS[key]);
    details[key] = argument === UNREADABLE ? 'unknown' : displayValue(argument);
  }
  return details;
}

/** Literal values as Airflow would print them (`all_done`, `3`); anything else as written (`timedelta(minutes=5)`). */
function displayValue(argument: KeywordArgument | null): string | null {
  if (!argument) return null;
  const { value } = argument;
  if (value.value !== undefined && value.value !== null) return String(value.value);
  if (value.kind === 'none') return 'None';
  return value.text.length > 120 ? `${value.text.slice(0, 119)}…` : value.text;
}

/**
 * Gives each finding to the innermost task whose creating expression contains its start, so a task's
 * badge counts what was reported on its own code. Findings outside every task stay off the graph.
 */
function assignFindingsToTasks(tasks: readonly TaskModel[], findings: readonly Finding[]): Map<TaskModel, GraphTaskDiagnostic[]> {
  const byTask = new Map<TaskModel, GraphTaskDiagnostic[]>();
  for (const finding of findings) {
    let owner: TaskModel | null = null;
    for (const task of tasks) {
      if (!contains(task.range, finding.range.start)) continue;
      if (!owner || contains(owner.range, task.range.start)) owner = task;
    }
    if (!owner) continue;
    let list = byTask.get(owner);
    if (!list) byTask.set(owner, (list = []));
    list.push({ ruleId: finding.ruleId, severity: finding.severity as DiagnosticSeverityName, message: finding.message });
  }
  return byTask;
}

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

function contains(range: Range, position: Position): boolean {
  return !before(position, range.start) && before(position, range.end);
}
