import type { DiagnosticSeverityName, GraphDag, GraphGroup, GraphTask } from '../../../protocol/lsp';

/**
 * What the panel shows of one DAG once collapsed TaskGroups and the lineage filter are applied: the
 * nodes (tasks and groups, each already sized) and the edges between them. Pure, shared by the webview
 * and the CLI, so both draw the same picture.
 */

export type LineageFilter = 'all' | 'upstream' | 'downstream' | 'both';

export interface TaskNode {
  kind: 'task';
  /** `t:` + task id, so a task and a group with the same name stay apart. */
  id: string;
  task: GraphTask;
  /** Node id of the expanded group drawn around it, or null at the top level. */
  parent: string | null;
  width: number;
  height: number;
}

export interface GroupNode {
  kind: 'group';
  /** `g:` + group id. */
  id: string;
  group: GraphGroup;
  collapsed: boolean;
  parent: string | null;
  /** Tasks inside, nested groups included. */
  taskCount: number;
  /** Worst severity among the diagnostics of the tasks inside, for the collapsed group's badge. */
  worstSeverity: DiagnosticSeverityName | null;
  diagnosticCount: number;
  /** For a collapsed group its own size; for an expanded one the layout decides. */
  width: number;
  height: number;
}

export type ViewNode = TaskNode | GroupNode;

export interface ViewEdge {
  id: string;
  /** Node ids (tasks or collapsed groups). */
  from: string;
  to: string;
  label: string | null;
  inCycle: boolean;
  /** How many task-level edges this one stands for (more than one where a collapsed group merges them). */
  count: number;
}

export interface VisibleGraph {
  nodes: ViewNode[];
  edges: ViewEdge[];
  /** Node id that represents each task: itself, or the outermost collapsed group around it. */
  representative: Map<string, string>;
}

export interface ViewOptions {
  /** Ids of collapsed groups. */
  collapsed: ReadonlySet<string>;
  lineage: LineageFilter;
  /** Task id the lineage filter is relative to; without one the filter shows everything. */
  selectedTaskId: string | null;
}

export const taskNodeId = (taskId: string): string => `t:${taskId}`;
export const groupNodeId = (groupId: string): string => `g:${groupId}`;

export const TASK_NODE_HEIGHT = 46;
export const GROUP_NODE_HEIGHT = 46;
const MIN_NODE_WIDTH = 140;
export const MAX_NODE_WIDTH = 280;
/** Left padding (after the kind stripe and glyph) and right padding (room for the badge) inside a node. */
export const NODE_TEXT_LEFT = 30;
const NODE_TEXT_RIGHT = 30;

/**
 * Approximate rendered width of text in the panel's UI font. The CLI has no font metrics, and the
 * webview must agree with it, so both use the same estimate: per-character widths for the classes of
 * glyphs that differ most, tuned against 12–13px system UI fonts.
 */
export function estimateTextWidth(text: string, fontSize: number): number {
  let units = 0;
  for (const char of text) {
    if ('il.,:;|!\'`'.includes(char)) units += 0.3;
    else if ('fjrt()[]{} '.includes(char)) units += 0.4;
    else if ('mwMW@%'.includes(char)) units += 0.85;
    else if (char >= 'A' && char <= 'Z') units += 0.66;
    else if (char === '_' || char === '-') units += 0.55;
    else if (char.charCodeAt(0) > 0x2e80) units += 1;
    else units += 0.56;
  }
  return units * fontSize;
}

/** Text fitted to `maxWidth` with a trailing ellipsis, by the same estimate. */
export function fitText(text: string, fontSize: number, maxWidth: number): string {
  if (estimateTextWidth(text, fontSize) <= maxWidth) return text;
  const chars = [...text];
  let low = 0;
  let high = chars.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (estimateTextWidth(chars.slice(0, mid).join('') + '…', fontSize) <= maxWidth) low = mid;
    else high = mid - 1;
  }
  return chars.slice(0, low).join('') + '…';
}

export const TITLE_FONT_SIZE = 13;
export const SUBTITLE_FONT_SIZE = 11;

function nodeWidth(title: string, subtitle: string): number {
  const text = Math.max(estimateTextWidth(title, TITLE_FONT_SIZE), estimateTextWidth(subtitle, SUBTITLE_FONT_SIZE));
  return Math.round(Math.min(MAX_NODE_WIDTH, Math.max(MIN_NODE_WIDTH, text + NODE_TEXT_LEFT + NODE_TEXT_RIGHT)));
}

/**
 * The label a task shows: inside a TaskGroup the group's frame already says the prefix, so the id
 * without it (as Airflow's own graph view does); the hover card shows the full id.
 */
export function taskLabel(task: GraphTask): string {
  return task.group !== null && task.taskId.startsWith(`${task.group}.`) ? task.taskId.slice(task.group.length + 1) : task.taskId;
}

/** The label a group shows: its own id within its parent, which is what the author wrote. */
export function groupTitle(group: GraphGroup): string {
  return group.localGroupId || group.groupId;
}

export function groupSubtitle(taskCount: number): string {
  return taskCount === 1 ? '1 task' : `${taskCount} tasks`;
}

/** A group of more tasks than this starts collapsed. */
export const COLLAPSE_GROUP_ABOVE_TASKS = 30;
/** In a DAG of more tasks than this, every group starts collapsed. */
export const COLLAPSE_ALL_ABOVE_TASKS = 150;

/**
 * Groups that start collapsed: all of them in a large DAG (so 10,000 tasks open as a few dozen boxes),
 * otherwise only the big ones.
 */
export function defaultCollapsedGroups(dag: GraphDag): Set<string> {
  const counts = countTasksPerGroup(dag);
  const collapseAll = dag.tasks.length > COLLAPSE_ALL_ABOVE_TASKS;
  const collapsed = new Set<string>();
  for (const group of dag.groups) {
    if (collapseAll || (counts.get(group.groupId) ?? 0) > COLLAPSE_GROUP_ABOVE_TASKS) collapsed.add(group.groupId);
  }
  return collapsed;
}

/** The chain of known group ids from `groupId` outwards, stopping at unknown ids and at loops. */
function ancestry(groupId: string | null, groups: Map<string, GraphGroup>): string[] {
  const chain: string[] = [];
  let current = groupId;
  while (current !== null && groups.has(current) && !chain.includes(current)) {
    chain.push(current);
    current = groups.get(current)!.parent;
  }
  return chain;
}

function countTasksPerGroup(dag: GraphDag): Map<string, number> {
  const groups = new Map(dag.groups.map((group) => [group.groupId, group]));
  const counts = new Map<string, number>();
  for (const task of dag.tasks) {
    for (const groupId of ancestry(task.group, groups)) counts.set(groupId, (counts.get(groupId) ?? 0) + 1);
  }
  return counts;
}

const SEVERITY_ORDER: DiagnosticSeverityName[] = ['error', 'warning', 'information', 'hint'];

/** The most severe of the given severities, or null for none. */
export function worstSeverity(severities: Iterable<DiagnosticSeverityName>): DiagnosticSeverityName | null {
  let worst: DiagnosticSeverityName | null = null;
  for (const severity of severities) {
    if (worst === null || SEVERITY_ORDER.indexOf(severity) < SEVERITY_ORDER.indexOf(worst)) worst = severity;
  }
  return worst;
}

/** Task ids upstream and/or downstream of `taskId` (itself included), following task-level edges. */
export function lineageOf(dag: GraphDag, taskId: string, direction: Exclude<LineageFilter, 'all'>): Set<string> {
  const result = new Set<string>([taskId]);
  const walk = (neighbours: Map<string, string[]>): void => {
    const queue = [taskId];
    const seen = new Set(queue);
    while (queue.length > 0) {
      for (const next of neighbours.get(queue.pop()!) ?? []) {
        if (seen.has(next)) continue;
        seen.add(next);
        result.add(next);
        queue.push(next);
      }
    }
  };
  const { upstream, downstream } = adjacency(dag);
  if (direction !== 'downstream') walk(upstream);
  if (direction !== 'upstream') walk(downstream);
  return result;
}

/** Upstream and downstream neighbours of every task id. */
export function adjacency(dag: GraphDag): { upstream: Map<string, string[]>; downstream: Map<string, string[]> } {
  const upstream = new Map<string, string[]>();
  const downstream = new Map<string, string[]>();
  const add = (map: Map<string, string[]>, key: string, value: string): void => {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  };
  for (const edge of dag.edges) {
    add(downstream, edge.from, edge.to);
    add(upstream, edge.to, edge.from);
  }
  return { upstream, downstream };
}

/**
 * Builds the visible graph. Tasks inside a collapsed group are represented by the outermost collapsed
 * group around them; edges between the same two visible nodes are merged (keeping a label only when
 * they all agree), and edges inside one collapsed group disappear. Edges naming unknown tasks are dropped.
 */
export function buildVisibleGraph(dag: GraphDag, options: ViewOptions): VisibleGraph {
  const groups = new Map(dag.groups.map((group) => [group.groupId, group]));
  const taskIds = new Set(dag.tasks.map((task) => task.taskId));
  // A duplicated task or group id (a mistake the diagnostics report) is drawn once: the first one.
  const uniqueTasks = taskIds.size === dag.tasks.length ? dag.tasks : dag.tasks.filter((task, index, all) => all.findIndex((other) => other.taskId === task.taskId) === index);
  const uniqueGroups = groups.size === dag.groups.length ? dag.groups : [...groups.values()];

  let shownTasks = uniqueTasks;
  if (options.lineage !== 'all' && options.selectedTaskId !== null && taskIds.has(options.selectedTaskId)) {
    const keep = lineageOf(dag, options.selectedTaskId, options.lineage);
    shownTasks = uniqueTasks.filter((task) => keep.has(task.taskId));
  }

  const representative = new Map<string, string>();
  const nodes: ViewNode[] = [];
  const groupStats = new Map<string, { count: number; severities: DiagnosticSeverityName[] }>();
  const shownGroups = new Set<string>();

  /** Node id of the expanded group a visible node sits in, given its group chain (innermost first). */
  const visibleParent = (chain: string[]): string | null => (chain.length > 0 ? groupNodeId(chain[0]) : null);

  for (const task of shownTasks) {
    const chain = ancestry(task.group, groups);
    for (const groupId of chain) {
      shownGroups.add(groupId);
      const stats = groupStats.get(groupId) ?? { count: 0, severities: [] };
      stats.count++;
      for (const diagnostic of task.diagnostics) stats.severities.push(diagnostic.severity);
      groupStats.set(groupId, stats);
    }
    const outermostCollapsed = [...chain].reverse().find((groupId) => options.collapsed.has(groupId));
    if (outermostCollapsed !== undefined) {
      representative.set(task.taskId, groupNodeId(outermostCollapsed));
      continue;
    }
    representative.set(task.taskId, taskNodeId(task.taskId));
    nodes.push({
      kind: 'task',
      id: taskNodeId(task.taskId),
      task,
      parent: visibleParent(chain),
      width: nodeWidth(taskLabel(task), task.operator),
      height: TASK_NODE_HEIGHT,
    });
  }

  // Without a lineage filter, empty groups are drawn too: they are still part of what the author wrote.
  if (options.lineage === 'all' || options.selectedTaskId === null) for (const group of uniqueGroups) shownGroups.add(group.groupId);

  for (const group of uniqueGroups) {
    if (!shownGroups.has(group.groupId)) continue;
    // A group that is its own ancestor (a half-typed file can say so) is drawn at the top level.
    const chain = ancestry(group.parent, groups);
    const outer = chain.includes(group.groupId) ? [] : chain;
    if (outer.some((groupId) => options.collapsed.has(groupId))) continue;
    const stats = groupStats.get(group.groupId) ?? { count: 0, severities: [] };
    const collapsed = options.collapsed.has(group.groupId);
    nodes.push({
      kind: 'group',
      id: groupNodeId(group.groupId),
      group,
      collapsed,
      parent: visibleParent(outer),
      taskCount: stats.count,
      worstSeverity: worstSeverity(stats.severities),
      diagnosticCount: stats.severities.length,
      width: nodeWidth(groupTitle(group), groupSubtitle(stats.count)) + 10,
      height: GROUP_NODE_HEIGHT,
    });
  }

  const merged = new Map<string, ViewEdge & { labels: Set<string | null> }>();
  for (const edge of dag.edges) {
    const from = representative.get(edge.from);
    const to = representative.get(edge.to);
    if (from === undefined || to === undefined) continue;
    if (from === to && from.startsWith('g:')) continue;
    const key = `${from}\u0000${to}`;
    const existing = merged.get(key);
    if (existing) {
      existing.count++;
      existing.inCycle ||= edge.inCycle;
      existing.labels.add(edge.label);
    } else {
      merged.set(key, { id: `e${merged.size}`, from, to, label: null, inCycle: edge.inCycle, count: 1, labels: new Set([edge.label]) });
    }
  }
  const edges: ViewEdge[] = [...merged.values()].map(({ labels, ...edge }) => ({
    ...edge,
    label: labels.size === 1 ? [...labels][0] : null,
  }));

  return { nodes, edges, representative };
}
