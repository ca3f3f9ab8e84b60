import type { VisibleGraph, ViewNode } from './view';

/**
 * Turns a visible graph into positions, with elkjs's layered algorithm (TaskGroups as compound nodes)
 * or, for graphs too big for it to finish quickly, a simpler layered layout of our own. The ELK
 * instance is passed in: the webview hands over one backed by a worker, the CLI and the tests one that
 * runs in-process.
 */

export type GraphDirection = 'RIGHT' | 'DOWN';

export interface Point {
  x: number;
  y: number;
}

/** A node's box in graph coordinates (absolute, top-left origin). */
export interface PositionedNode {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PositionedEdge {
  id: string;
  /** The route from the source's border to the target's border. */
  points: Point[];
  label: { text: string; x: number; y: number; width: number; height: number } | null;
}

export interface GraphLayout {
  direction: GraphDirection;
  engine: 'elk' | 'fast';
  nodes: Map<string, PositionedNode>;
  edges: Map<string, PositionedEdge>;
  width: number;
  height: number;
}

/** The part of elkjs's API the layout uses (its ELK class, or a worker-backed stand-in). */
export interface ElkEngine {
  layout(graph: ElkGraphNode): Promise<ElkGraphNode>;
}

/** elkjs's JSON graph, as far as we use it. */
export interface ElkGraphNode {
  id: string;
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  layoutOptions?: Record<string, string>;
  labels?: Array<{ text: string; width: number; height: number; x?: number; y?: number }>;
  children?: ElkGraphNode[];
  edges?: ElkGraphEdge[];
}

export interface ElkGraphEdge {
  id: string;
  sources: string[];
  targets: string[];
  labels?: Array<{ text: string; width: number; height: number; x?: number; y?: number }>;
  sections?: Array<{ startPoint: Point; endPoint: Point; bendPoints?: Point[] }>;
}

/** Room above an expanded group's children for its header (title, task count, collapse chevron). */
export const GROUP_HEADER_HEIGHT = 30;
const GROUP_PADDING = 14;
const EDGE_LABEL_FONT_SIZE = 11;

/** Above this many visible nodes ELK takes seconds; the fast layout keeps the panel responsive. */
export const FAST_LAYOUT_ABOVE_NODES = 2000;

function layoutOptions(direction: GraphDirection, nodeCount: number): Record<string, string> {
  return {
    'elk.algorithm': 'layered',
    'elk.direction': direction,
    // Edges between tasks in different groups are routed together with the groups' contents, so a
    // group is placed where its connections want it rather than laid out in isolation.
    'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
    // Absolute coordinates for nodes and edges spare us adding up parent offsets.
    'elk.json.shapeCoords': 'ROOT',
    'elk.json.edgeCoords': 'ROOT',
    // No model-order constraints: with TaskGroups and cycles they made ELK take minutes on a few dozen
    // nodes. Placement stays stable anyway, because ELK is deterministic for the same input.
    'elk.layered.spacing.nodeNodeBetweenLayers': '56',
    'elk.layered.spacing.edgeNodeBetweenLayers': '20',
    'elk.spacing.nodeNode': '22',
    'elk.spacing.edgeNode': '14',
    'elk.spacing.edgeEdge': '10',
    'elk.spacing.edgeLabel': '4',
    'elk.edgeLabels.placement': 'CENTER',
    'elk.layered.edgeLabels.sideSelection': 'SMART_DOWN',
    'elk.layered.mergeEdges': 'false',
    // Crossing minimisation dominates the time (thoroughness 1 lays out 200 nodes about four times
    // faster than the default 7); small graphs can afford the extra sweeps.
    'elk.layered.thoroughness': nodeCount <= 60 ? '7' : nodeCount <= 150 ? '3' : '1',
  };
}

/** The ELK JSON graph for a visible graph: groups contain their visible members, edges live at the root. */
export function toElkGraph(view: VisibleGraph, direction: GraphDirection): ElkGraphNode {
  const root: ElkGraphNode = { id: 'root', layoutOptions: layoutOptions(direction, view.nodes.length), children: [], edges: [] };
  const elkNodes = new Map<string, ElkGraphNode>();
  for (const node of view.nodes) {
    const expandedGroup = node.kind === 'group' && !node.collapsed;
    elkNodes.set(node.id, expandedGroup
      ? {
          id: node.id,
          children: [],
          layoutOptions: {
            'elk.padding': `[top=${GROUP_HEADER_HEIGHT + GROUP_PADDING / 2},left=${GROUP_PADDING},bottom=${GROUP_PADDING},right=${GROUP_PADDING}]`,
            // An empty group still needs room for its header.
            'elk.nodeSize.constraints': 'MINIMUM_SIZE',
            'elk.nodeSize.minimum': `(${node.width}, ${GROUP_HEADER_HEIGHT + 24})`,
          },
        }
      : { id: node.id, width: node.width, height: node.height });
  }
  for (const node of view.nodes) {
    const parent = node.parent !== null ? elkNodes.get(node.parent) : undefined;
    (parent ?? root).children!.push(elkNodes.get(node.id)!);
  }
  for (const edge of view.edges) {
    root.edges!.push({
      id: edge.id,
      sources: [edge.from],
      targets: [edge.to],
      labels: edge.label ? [{ text: edge.label, width: edgeLabelWidth(edge.label), height: EDGE_LABEL_FONT_SIZE + 6 }] : undefined,
    });
  }
  return root;
}

function edgeLabelWidth(text: string): number {
  return Math.ceil(Math.min(text.length, 40) * EDGE_LABEL_FONT_SIZE * 0.6) + 10;
}

/** Reads positions back from ELK's answer. */
export function fromElkGraph(view: VisibleGraph, result: ElkGraphNode, direction: GraphDirection): GraphLayout {
  const nodes = new Map<string, PositionedNode>();
  const visit = (node: ElkGraphNode): void => {
    for (const child of node.children ?? []) {
      nodes.set(child.id, { id: child.id, x: child.x ?? 0, y: child.y ?? 0, width: child.width ?? 0, height: child.height ?? 0 });
      visit(child);
    }
  };
  visit(result);
  const edges = new Map<string, PositionedEdge>();
  const collectEdges = (node: ElkGraphNode): void => {
    for (const edge of node.edges ?? []) {
      const section = edge.sections?.[0];
      const points = section ? [section.startPoint, ...(section.bendPoints ?? []), section.endPoint] : [];
      const label = edge.labels?.[0];
      edges.set(edge.id, {
        id: edge.id,
        points,
        label: label ? { text: label.text, x: label.x ?? 0, y: label.y ?? 0, width: label.width, height: label.height } : null,
      });
    }
    for (const child of node.children ?? []) collectEdges(child);
  };
  collectEdges(result);
  for (const edge of view.edges) if (!edges.has(edge.id)) edges.set(edge.id, straightEdge(edge.id, nodes.get(edge.from), nodes.get(edge.to), direction, edge.label));
  return normalised({ direction, engine: 'elk', nodes, edges, width: 0, height: 0 });
}

/**
 * Moves the drawing so its top-left corner is at (0, 0) and sets its size to what is really drawn:
 * nodes, edge routes and labels (ELK's own bounds can leave out routed edges or include padding).
 */
export function normalised(layout: GraphLayout): GraphLayout {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const include = (x: number, y: number, width = 0, height = 0): void => {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x + width);
    maxY = Math.max(maxY, y + height);
  };
  for (const node of layout.nodes.values()) include(node.x, node.y, node.width, node.height);
  for (const edge of layout.edges.values()) {
    for (const point of edge.points) include(point.x, point.y);
    if (edge.label) include(edge.label.x, edge.label.y, edge.label.width, edge.label.height);
  }
  if (!Number.isFinite(minX)) return { ...layout, width: 0, height: 0 };
  const dx = -minX;
  const dy = -minY;
  if (dx !== 0 || dy !== 0) {
    for (const node of layout.nodes.values()) {
      node.x += dx;
      node.y += dy;
    }
    for (const edge of layout.edges.values()) {
      edge.points = edge.points.map((point) => ({ x: point.x + dx, y: point.y + dy }));
      if (edge.label) edge.label = { ...edge.label, x: edge.label.x + dx, y: edge.label.y + dy };
    }
  }
  return { ...layout, width: maxX - minX, height: maxY - minY };
}

/**
 * Lays out a visible graph: ELK for graphs it handles quickly, the fast layout for bigger ones or when
 * ELK fails (a broken worker must not leave the panel empty).
 */
export async function layoutGraph(view: VisibleGraph, direction: GraphDirection, elk: ElkEngine | null): Promise<GraphLayout> {
  if (elk && view.nodes.length <= FAST_LAYOUT_ABOVE_NODES) {
    try {
      const result = await elk.layout(toElkGraph(view, direction));
      return fromElkGraph(view, result, direction);
    } catch {
      // Fall through to the fast layout.
    }
  }
  return fastLayout(view, direction);
}

const LAYER_GAP = 64;
const NODE_GAP = 18;

/**
 * A layered layout in linear-ish time: longest-path layers, one barycentre pass to order each layer,
 * straight edges. Groups are drawn as plain nodes (only collapsed groups reach it in practice: large
 * DAGs start with every group collapsed); expanded groups get a frame around their members.
 */
export function fastLayout(view: VisibleGraph, direction: GraphDirection): GraphLayout {
  const leaves = view.nodes.filter((node) => !(node.kind === 'group' && !node.collapsed));
  const index = new Map(leaves.map((node, i) => [node.id, i]));
  const incoming: number[][] = leaves.map(() => []);
  const outgoing: number[][] = leaves.map(() => []);
  for (const edge of view.edges) {
    const from = index.get(edge.from);
    const to = index.get(edge.to);
    if (from === undefined || to === undefined || from === to) continue;
    outgoing[from].push(to);
    incoming[to].push(from);
  }
  const layer = longestPathLayers(leaves.length, incoming, outgoing);
  const layers: number[][] = [];
  leaves.forEach((_, i) => (layers[layer[i]] ??= []).push(i));

  const position = new Array<number>(leaves.length).fill(0);
  for (const members of layers) {
    if (!members) continue;
    const barycentre = (i: number): number =>
      incoming[i].length === 0 ? position[i] : incoming[i].reduce((sum, j) => sum + position[j], 0) / incoming[i].length;
    const order = members.map((i) => ({ i, key: barycentre(i) })).sort((a, b) => a.key - b.key || a.i - b.i);
    order.forEach(({ i }, rank) => (position[i] = rank));
  }

  const horizontal = direction === 'RIGHT';
  const nodes = new Map<string, PositionedNode>();
  let along = 0;
  let width = 0;
  let height = 0;
  for (const members of layers) {
    if (!members) continue;
    const ordered = [...members].sort((a, b) => position[a] - position[b]);
    const thickness = Math.max(...ordered.map((i) => (horizontal ? leaves[i].width : leaves[i].height)));
    let across = 0;
    for (const i of ordered) {
      const node = leaves[i];
      const x = horizontal ? along : across;
      const y = horizontal ? across : along;
      nodes.set(node.id, { id: node.id, x, y, width: node.width, height: node.height });
      across += (horizontal ? node.height : node.width) + NODE_GAP;
      width = Math.max(width, x + node.width);
      height = Math.max(height, y + node.height);
    }
    along += thickness + LAYER_GAP;
  }
  frameExpandedGroups(view.nodes, nodes);
  const edges = new Map<string, PositionedEdge>();
  for (const edge of view.edges) edges.set(edge.id, straightEdge(edge.id, nodes.get(edge.from), nodes.get(edge.to), direction, edge.label));
  return normalised({ direction, engine: 'fast', nodes, edges, width, height });
}

/** Layer of each node: the longest path from a source; nodes on cycles are placed when first reached. */
function longestPathLayers(count: number, incoming: number[][], outgoing: number[][]): number[] {
  const layer = new Array<number>(count).fill(0);
  const remaining = incoming.map((list) => list.length);
  const queue: number[] = [];
  for (let i = 0; i < count; i++) if (remaining[i] === 0) queue.push(i);
  const placed = new Array<boolean>(count).fill(false);
  let head = 0;
  let nextUnplaced = 0;
  while (head < queue.length || nextUnplaced < count) {
    if (head === queue.length) {
      // Only cycles are left: break one open at the first unplaced node.
      while (nextUnplaced < count && placed[nextUnplaced]) nextUnplaced++;
      if (nextUnplaced === count) break;
      queue.push(nextUnplaced);
      remaining[nextUnplaced] = 0;
    }
    const i = queue[head++];
    if (placed[i]) continue;
    placed[i] = true;
    for (const j of outgoing[i]) {
      if (placed[j]) continue;
      layer[j] = Math.max(layer[j], layer[i] + 1);
      if (--remaining[j] === 0) queue.push(j);
    }
  }
  return layer;
}

/** Frames around expanded groups in the fast layout: the bounding box of their members plus a header. */
function frameExpandedGroups(viewNodes: ViewNode[], nodes: Map<string, PositionedNode>): void {
  const expanded = viewNodes.filter((node) => node.kind === 'group' && !node.collapsed);
  // Innermost first, so an outer frame contains the inner frames.
  const depth = (node: ViewNode): number => {
    let d = 0;
    for (let parent = node.parent; parent !== null && d < 100; d++) parent = viewNodes.find((n) => n.id === parent)?.parent ?? null;
    return d;
  };
  for (const group of expanded.sort((a, b) => depth(b) - depth(a))) {
    const members = viewNodes.filter((node) => node.parent === group.id).map((node) => nodes.get(node.id)).filter((node) => node !== undefined);
    if (members.length === 0) continue;
    const left = Math.min(...members.map((m) => m.x)) - GROUP_PADDING;
    const top = Math.min(...members.map((m) => m.y)) - GROUP_PADDING - GROUP_HEADER_HEIGHT;
    const right = Math.max(...members.map((m) => m.x + m.width)) + GROUP_PADDING;
    const bottom = Math.max(...members.map((m) => m.y + m.height)) + GROUP_PADDING;
    nodes.set(group.id, { id: group.id, x: left, y: top, width: right - left, height: bottom - top });
  }
}

/** A straight edge between two boxes, leaving and entering on the sides the direction implies. */
function straightEdge(id: string, from: PositionedNode | undefined, to: PositionedNode | undefined, direction: GraphDirection, label: string | null): PositionedEdge {
  if (!from || !to) return { id, points: [], label: null };
  const start = direction === 'RIGHT' ? { x: from.x + from.width, y: from.y + from.height / 2 } : { x: from.x + from.width / 2, y: from.y + from.height };
  const end = direction === 'RIGHT' ? { x: to.x, y: to.y + to.height / 2 } : { x: to.x + to.width / 2, y: to.y };
  const width = label ? edgeLabelWidth(label) : 0;
  return {
    id,
    points: [start, end],
    label: label ? { text: label, x: (start.x + end.x) / 2 - width / 2, y: (start.y + end.y) / 2 - 8, width, height: EDGE_LABEL_FONT_SIZE + 6 } : null,
  };
}

/** The layout's node id → box, including expanded groups; a stable "shape key" compares two visible graphs. */
export function shapeKey(view: VisibleGraph, direction: GraphDirection): string {
  const parts: string[] = [direction];
  for (const node of view.nodes) parts.push(`${node.id}|${node.parent ?? ''}|${node.kind === 'group' && node.collapsed ? 'c' : ''}|${node.width}`);
  for (const edge of view.edges) parts.push(`${edge.from}>${edge.to}|${edge.label ?? ''}`);
  return parts.join('\n');
}
