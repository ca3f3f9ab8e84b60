import type { DagModel, FileModel, Range } from '../analyzer/model';
import { renderFilesSvg } from '../graph/renderSvg';

/**
 * Output formats of `dagstudio graph`. Each takes every analysed file at once (a DOT or SVG document
 * may draw several DAGs) and returns the text to write. Another format is one entry in
 * `graphFormatters`, e.g. `svg`, rendered with the same layout code as the graph panel.
 */
export interface GraphInput {
  /** The file as shown to the user (relative to the working folder when inside it). */
  file: string;
  /** Null when the file could not be read or parsed at all (see `errors`). */
  model: FileModel | null;
  errors: GraphError[];
}

export interface GraphError {
  message: string;
  range: Range | null;
}

export type GraphFormatter = (inputs: readonly GraphInput[]) => string | Promise<string>;

/** The formats `--format` accepts. */
export const graphFormatters: Record<string, GraphFormatter> = {
  json: (inputs) => `${JSON.stringify(toGraphJson(inputs), null, 2)}\n`,
  dot: toDot,
  svg: (inputs) => renderFilesSvg(inputs),
};

/** The JSON document of `dagstudio graph --format json`; field names and shape are a public contract. */
export interface GraphJson {
  files: {
    file: string;
    dags: {
      dag_id: string | null;
      range: Range;
      schedule: string | null;
      catchup: boolean | null;
      tasks: { task_id: string; operator: string; group: string | null; range: Range }[];
      edges: { from: string; to: string; label: string | null }[];
      groups: { group_id: string; parent: string | null }[];
      dynamic: { reason: string; range: Range }[];
    }[];
    errors: GraphError[];
  }[];
}

export function toGraphJson(inputs: readonly GraphInput[]): GraphJson {
  return {
    files: inputs.map((input) => ({
      file: input.file,
      dags: (input.model?.importsAirflow ? input.model.dags : []).map((dag) => ({
        dag_id: dag.dagId,
        range: copyRange(dag.range),
        schedule: dag.schedule,
        catchup: dag.catchup,
        tasks: dag.tasks.map((task) => ({ task_id: task.taskId, operator: task.operator, group: task.group, range: copyRange(task.range) })),
        edges: dag.edges.map((edge) => ({ from: edge.from, to: edge.to, label: edge.label })),
        groups: dag.groups.map((group) => ({ group_id: group.groupId, parent: group.parent })),
        dynamic: dag.dynamic.map((note) => ({ reason: note.reason, range: copyRange(note.range) })),
      })),
      errors: input.errors.map((error) => ({ message: error.message, range: error.range ? copyRange(error.range) : null })),
    })),
  };
}

/**
 * Graphviz DOT: one `digraph` per DAG (as `airflow dags show` prints), TaskGroups as clusters nested
 * like the groups, edge labels from `Label`. Pipe it to `dot -Tsvg`.
 */
export function toDot(inputs: readonly GraphInput[]): string {
  const graphs: string[] = [];
  for (const input of inputs) {
    if (!input.model?.importsAirflow) continue;
    for (const dag of input.model.dags) graphs.push(dagToDot(dag, input.file));
  }
  return graphs.length > 0 ? graphs.join('\n') : '';
}

function dagToDot(dag: DagModel, file: string): string {
  const lines = [`// ${file.replace(/[\r\n]/g, " ")}`, `digraph ${quote(dag.dagId ?? 'dynamic_dag')} {`, '  rankdir=LR;', '  node [shape=box, style="rounded"];'];
  const childGroups = new Map<string | null, string[]>();
  for (const group of dag.groups) {
    const siblings = childGroups.get(group.parent) ?? [];
    siblings.push(group.groupId);
    childGroups.set(group.parent, siblings);
  }
  const tasksByGroup = new Map<string | null, string[]>();
  for (const task of dag.tasks) {
    const line = `${quote(task.taskId)} [label=${quoteLines([task.taskId, `${task.operator}${task.mapped ? ' [mapped]' : ''}`])}];`;
    const list = tasksByGroup.get(task.group) ?? [];
    list.push(line);
    tasksByGroup.set(task.group, list);
  }
  let clusterCount = 0;
  const emit = (group: string | null, indent: string): void => {
    for (const line of tasksByGroup.get(group) ?? []) lines.push(indent + line);
    for (const child of childGroups.get(group) ?? []) {
      lines.push(`${indent}subgraph ${quote(`cluster_${clusterCount++}`)} {`);
      lines.push(`${indent}  label=${quote(child)};`);
      emit(child, `${indent}  `);
      lines.push(`${indent}}`);
    }
  };
  emit(null, '  ');
  // Tasks whose group is not among the DAG's groups (should not happen) still appear.
  const known = new Set<string | null>([null, ...dag.groups.map((group) => group.groupId)]);
  for (const [group, taskLines] of tasksByGroup) if (!known.has(group)) for (const line of taskLines) lines.push(`  ${line}`);
  for (const edge of dag.edges) {
    const label = edge.label !== null ? ` [label=${quote(edge.label)}]` : '';
    lines.push(`  ${quote(edge.from)} -> ${quote(edge.to)}${label};`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** A DOT quoted string. */
function quote(text: string): string {
  return `"${escapeDot(text)}"`;
}

/** A DOT label of several lines. */
function quoteLines(lines: readonly string[]): string {
  return `"${lines.map(escapeDot).join('\\n')}"`;
}

function escapeDot(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n');
}

function copyRange(range: Range): Range {
  return { start: { line: range.start.line, character: range.start.character }, end: { line: range.end.line, character: range.end.character } };
}
