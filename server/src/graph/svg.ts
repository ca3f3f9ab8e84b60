import type { DiagnosticSeverityName } from '../../../protocol/lsp';
import type { GraphLayout, PositionedEdge, PositionedNode } from './layout';
import {
  fitText,
  groupSubtitle,
  groupTitle,
  MAX_NODE_WIDTH,
  NODE_TEXT_LEFT,
  SUBTITLE_FONT_SIZE,
  taskLabel,
  TITLE_FONT_SIZE,
  type GroupNode,
  type TaskNode,
  type ViewEdge,
  type ViewNode,
  type VisibleGraph,
} from './view';

/**
 * SVG markup for the graph, shared by the panel (which inserts one node's markup at a time, only for
 * what is on screen) and the CLI / export (which write the whole picture). Colours are never written
 * into the markup: elements carry classes, and {@link graphStylesheet} maps them to theme colours.
 */

/** Theme colours the graph uses: the VS Code variable, and the Light+ value for pictures outside VS Code. */
export const GRAPH_COLOURS = {
  background: ['--vscode-editor-background', '#ffffff'],
  foreground: ['--vscode-editor-foreground', '#1f1f1f'],
  description: ['--vscode-descriptionForeground', '#717171'],
  nodeFill: ['--vscode-editorWidget-background', '#f8f8f8'],
  nodeBorder: ['--vscode-editorWidget-border', '#c8c8c8'],
  contrastBorder: ['--vscode-contrastBorder', 'transparent'],
  groupFill: ['--vscode-textBlockQuote-background', '#f2f2f2'],
  groupBorder: ['--vscode-panel-border', '#d4d4d4'],
  edge: ['--vscode-descriptionForeground', '#8a8a8a'],
  focus: ['--vscode-focusBorder', '#005fb8'],
  selectionFill: ['--vscode-list-inactiveSelectionBackground', '#e4e6f1'],
  error: ['--vscode-editorError-foreground', '#e51400'],
  warning: ['--vscode-editorWarning-foreground', '#bf8803'],
  information: ['--vscode-editorInfo-foreground', '#1a85ff'],
  hint: ['--vscode-editorHint-foreground', '#6c6c6c'],
  match: ['--vscode-editor-findMatchHighlightBackground', '#ea5c0055'],
  matchBorder: ['--vscode-editor-findMatchBorder', '#ea5c00'],
  kindOperator: ['--vscode-charts-blue', '#1a85ff'],
  kindSensor: ['--vscode-charts-yellow', '#bf8803'],
  kindTaskflow: ['--vscode-charts-purple', '#652d90'],
  kindBranch: ['--vscode-charts-orange', '#d18616'],
  kindTrigger: ['--vscode-charts-green', '#388a34'],
  kindEmpty: ['--vscode-disabledForeground', '#61616199'],
  labelFill: ['--vscode-editor-background', '#ffffff'],
  badgeForeground: ['--vscode-editor-background', '#ffffff'],
} as const;

export type GraphColour = keyof typeof GRAPH_COLOURS;

/** How a colour is written into the stylesheet: a `var(...)` with fallback in the panel, a value in files. */
export type ColourResolver = (colour: GraphColour) => string;

/** `var(--vscode-x, fallback)`: follows the theme inside VS Code, Light+ colours elsewhere. */
export const themeVariables: ColourResolver = (colour) => `var(${GRAPH_COLOURS[colour][0]}, ${GRAPH_COLOURS[colour][1]})`;

/** Light+ colours, for pictures viewed outside VS Code. */
export const lightColours: ColourResolver = (colour) => GRAPH_COLOURS[colour][1];

const FONT = `var(--vscode-font-family, -apple-system, BlinkMacSystemFont, 'Segoe UI', Ubuntu, sans-serif)`;

/** The graph's stylesheet: every class the markup uses, with colours from `colour`. */
export function graphStylesheet(colour: ColourResolver, font = FONT): string {
  const c = colour;
  return `
.dag-graph { font-family: ${font}; }
.dag-graph text { fill: ${c('foreground')}; dominant-baseline: middle; }
.dag-graph .background { fill: ${c('background')}; }
.node-box { fill: ${c('nodeFill')}; stroke: ${c('nodeBorder')}; stroke-width: 1; }
.node.empty .node-box { stroke-dasharray: 4 3; }
.stack { fill: ${c('nodeFill')}; stroke: ${c('nodeBorder')}; stroke-width: 1; }
.node .title { font-size: ${TITLE_FONT_SIZE}px; font-weight: 600; }
.node .subtitle { font-size: ${SUBTITLE_FONT_SIZE}px; fill: ${c('description')}; }
.outline { fill: none; stroke: ${c('contrastBorder')}; stroke-width: 1; }
.stripe { stroke: none; }
.glyph { fill: none; stroke-width: 1.4; }
.kind-operator, .kind-sql { fill: ${c('kindOperator')}; stroke: ${c('kindOperator')}; }
.kind-sensor { fill: ${c('kindSensor')}; stroke: ${c('kindSensor')}; }
.kind-taskflow { fill: ${c('kindTaskflow')}; stroke: ${c('kindTaskflow')}; }
.kind-branch, .kind-short_circuit { fill: ${c('kindBranch')}; stroke: ${c('kindBranch')}; }
.kind-trigger_dag_run { fill: ${c('kindTrigger')}; stroke: ${c('kindTrigger')}; }
.kind-empty, .kind-group { fill: ${c('kindEmpty')}; stroke: ${c('kindEmpty')}; }
.glyph.kind-operator, .glyph.kind-sql, .glyph.kind-sensor, .glyph.kind-taskflow, .glyph.kind-branch, .glyph.kind-short_circuit,
.glyph.kind-trigger_dag_run, .glyph.kind-empty, .glyph.kind-group { fill: none; }
.glyph .solid { stroke: none; }
.glyph.kind-operator .solid, .glyph.kind-sql .solid { fill: ${c('kindOperator')}; }
.glyph.kind-sensor .solid { fill: ${c('kindSensor')}; }
.glyph.kind-taskflow .solid { fill: ${c('kindTaskflow')}; }
.glyph.kind-branch .solid, .glyph.kind-short_circuit .solid { fill: ${c('kindBranch')}; }
.glyph.kind-trigger_dag_run .solid { fill: ${c('kindTrigger')}; }
.role { font-size: 9px; font-weight: 600; letter-spacing: 0.04em; fill: ${c('description')}; }
.badge circle { stroke: none; }
.badge text { font-size: 10px; font-weight: 700; fill: ${c('badgeForeground')}; text-anchor: middle; }
.sev-error circle { fill: ${c('error')}; }
.sev-warning circle { fill: ${c('warning')}; }
.sev-information circle { fill: ${c('information')}; }
.sev-hint circle { fill: ${c('hint')}; }
.group-box { fill: ${c('groupFill')}; stroke: ${c('groupBorder')}; stroke-width: 1; }
.group .title { font-size: 12px; font-weight: 600; }
.group .subtitle { font-size: ${SUBTITLE_FONT_SIZE}px; fill: ${c('description')}; }
.hit { fill: transparent; stroke: none; }
.group .chevron { fill: none; stroke: ${c('description')}; stroke-width: 1.5; }
.edge { fill: none; stroke: ${c('edge')}; stroke-width: 1.3; }
.edge.cycle { stroke: ${c('error')}; stroke-width: 1.8; stroke-dasharray: 6 3; }
.edge.merged { stroke-width: 2.2; }
.arrow { fill: ${c('edge')}; }
.arrow-cycle { fill: ${c('error')}; }
.arrow-active { fill: ${c('focus')}; }
.edge-label rect { fill: ${c('labelFill')}; stroke: ${c('nodeBorder')}; stroke-width: 0.8; }
.edge-label text { font-size: 11px; fill: ${c('description')}; text-anchor: middle; }
.dimmed { opacity: 0.3; }
.edge.active { stroke: ${c('focus')}; stroke-width: 2; }
.node.active .node-box, .group.active .node-box { stroke: ${c('focus')}; }
.node.selected .node-box, .group.selected .node-box, .group.selected .group-box { stroke: ${c('focus')}; stroke-width: 2.5; fill: ${c('selectionFill')}; }
.node.match .node-box, .group.match .node-box { fill: ${c('match')}; stroke: ${c('matchBorder')}; stroke-width: 2; }
.node.focused .outline, .group.focused .outline { stroke: ${c('focus')}; stroke-width: 2; stroke-dasharray: 3 2; }
`;
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);
}

const round = (value: number): number => Math.round(value * 10) / 10;

/** Per-node state the panel adds as classes (the CLI draws none of it). */
export interface NodeState {
  selected?: boolean;
  /** Up- or downstream of the selection. */
  active?: boolean;
  dimmed?: boolean;
  match?: boolean;
  focused?: boolean;
}

function stateClasses(state: NodeState): string {
  return (state.selected ? ' selected' : '') + (state.active ? ' active' : '') + (state.dimmed ? ' dimmed' : '') + (state.match ? ' match' : '') + (state.focused ? ' focused' : '');
}

/** A small shape that tells the kind of task apart at a glance, centred on (cx, cy). */
function kindGlyph(kind: string, cx: number, cy: number): string {
  const cls = `glyph kind-${kind}`;
  switch (kind) {
    case 'sensor':
      return `<g class="${cls}"><circle cx="${cx}" cy="${cy}" r="5.5"/><path d="M${cx} ${cy - 3}V${cy}L${cx + 2.5} ${cy + 1.5}"/></g>`;
    case 'taskflow':
      return `<g class="${cls}"><circle class="solid" cx="${cx}" cy="${cy}" r="4.5"/></g>`;
    case 'branch':
    case 'short_circuit':
      return `<g class="${cls}"><path d="M${cx} ${cy - 6}L${cx + 6} ${cy}L${cx} ${cy + 6}L${cx - 6} ${cy}Z"/></g>`;
    case 'empty':
      return `<g class="${cls}"><circle cx="${cx}" cy="${cy}" r="5" stroke-dasharray="2 2"/></g>`;
    case 'trigger_dag_run':
      return `<g class="${cls}"><path class="solid" d="M${cx - 4} ${cy - 5}L${cx + 5} ${cy}L${cx - 4} ${cy + 5}Z"/></g>`;
    case 'sql':
      return `<g class="${cls}"><ellipse cx="${cx}" cy="${cy - 3.5}" rx="5" ry="2"/><path d="M${cx - 5} ${cy - 3.5}V${cy + 3.5}A5 2 0 0 0 ${cx + 5} ${cy + 3.5}V${cy - 3.5}"/></g>`;
    case 'group':
      return `<g class="${cls}"><rect x="${cx - 5.5}" y="${cy - 4.5}" width="11" height="9" rx="1.5"/><path d="M${cx - 5.5} ${cy - 1.5}H${cx + 5.5}"/></g>`;
    default:
      return `<g class="${cls}"><rect x="${cx - 4.5}" y="${cy - 4.5}" width="9" height="9" rx="2"/></g>`;
  }
}

function badge(count: number, severity: DiagnosticSeverityName | null, x: number, y: number, tooltip: string): string {
  if (count === 0 || severity === null) return '';
  const label = count > 99 ? '99+' : String(count);
  const r = label.length > 1 ? 9 : 8;
  return `<g class="badge sev-${severity}"><title>${escapeXml(tooltip)}</title><circle cx="${x}" cy="${y}" r="${r}"/><text x="${x}" y="${y + 0.5}">${label}</text></g>`;
}

/** Markup of one task node, positioned at its box. */
export function renderTaskNode(node: TaskNode, box: PositionedNode, state: NodeState = {}): string {
  const { task } = node;
  const w = round(box.width);
  const h = round(box.height);
  const classes = `node task${task.kind === 'empty' ? ' empty' : ''}${task.mapped ? ' mapped' : ''}${task.role ? ` role-${task.role}` : ''}${stateClasses(state)}`;
  const parts: string[] = [`<g class="${classes}" data-node="${escapeXml(node.id)}" transform="translate(${round(box.x)},${round(box.y)})">`];
  if (task.mapped) {
    // The stacked look of a mapped task: two cards peeking out behind it.
    parts.push(`<rect class="stack" x="6" y="-6" width="${w}" height="${h}" rx="6"/>`, `<rect class="stack" x="3" y="-3" width="${w}" height="${h}" rx="6"/>`);
  }
  parts.push(`<rect class="node-box" width="${w}" height="${h}" rx="6"/>`);
  parts.push(`<rect class="stripe kind-${task.kind}" x="1" y="1" width="4" height="${h - 2}" rx="2"/>`);
  parts.push(kindGlyph(task.kind, 17, 15));
  const badgeRoom = task.diagnostics.length > 0 ? 24 : 8;
  const textWidth = Math.min(MAX_NODE_WIDTH, w) - NODE_TEXT_LEFT - badgeRoom;
  parts.push(`<text class="title" x="${NODE_TEXT_LEFT}" y="16">${escapeXml(fitText(taskLabel(task), TITLE_FONT_SIZE, textWidth))}</text>`);
  const subtitle = (task.mapped ? `${task.operator} [ ]` : task.operator);
  parts.push(`<text class="subtitle" x="${NODE_TEXT_LEFT}" y="33">${escapeXml(fitText(subtitle, SUBTITLE_FONT_SIZE, textWidth - (task.role ? 66 : 0)))}</text>`);
  if (task.role) {
    const arrow = task.role === 'setup' ? `M${w - 14} 36L${w - 10} 31L${w - 6} 36` : `M${w - 14} 31L${w - 10} 36L${w - 6} 31`;
    parts.push(`<text class="role" x="${w - 18}" y="34" text-anchor="end">${task.role.toUpperCase()}</text><path class="chevron glyph kind-empty" d="${arrow}"/>`);
  }
  const severity = worstOf(task.diagnostics.map((d) => d.severity));
  const tooltip = task.diagnostics.map((d) => `${d.severity}: ${d.message} [${d.ruleId}]`).join('\n');
  parts.push(badge(task.diagnostics.length, severity, w - 14, 15, tooltip));
  parts.push(`<rect class="outline" x="-3" y="-3" width="${w + 6}" height="${h + 6}" rx="8"/>`);
  parts.push('</g>');
  return parts.join('');
}

function worstOf(severities: DiagnosticSeverityName[]): DiagnosticSeverityName | null {
  for (const severity of ['error', 'warning', 'information', 'hint'] as const) if (severities.includes(severity)) return severity;
  return null;
}

/** Markup of a group: a frame with a header when expanded, a card standing for its tasks when collapsed. */
export function renderGroupNode(node: GroupNode, box: PositionedNode, state: NodeState = {}): string {
  const w = round(box.width);
  const h = round(box.height);
  const title = groupTitle(node.group);
  const subtitle = groupSubtitle(node.taskCount);
  const parts: string[] = [`<g class="group${node.collapsed ? ' collapsed' : ' expanded'}${stateClasses(state)}" data-node="${escapeXml(node.id)}" transform="translate(${round(box.x)},${round(box.y)})">`];
  const tooltip = `${node.diagnosticCount} diagnostic${node.diagnosticCount === 1 ? '' : 's'} in this group`;
  if (node.collapsed) {
    parts.push(`<rect class="stack" x="4" y="-4" width="${w}" height="${h}" rx="6"/>`);
    parts.push(`<rect class="node-box" width="${w}" height="${h}" rx="6"/>`);
    parts.push(`<rect class="stripe kind-group" x="1" y="1" width="4" height="${h - 2}" rx="2"/>`);
    parts.push(`<path class="chevron" d="M14 11L19 16L14 21"/><rect class="hit" data-toggle="1" x="6" y="4" width="22" height="24"/>`);
    const textWidth = w - NODE_TEXT_LEFT - (node.diagnosticCount > 0 ? 24 : 8);
    parts.push(`<text class="title" x="${NODE_TEXT_LEFT}" y="16">${escapeXml(fitText(title, 12, textWidth))}</text>`);
    parts.push(`<text class="subtitle" x="${NODE_TEXT_LEFT}" y="33">${escapeXml(`TaskGroup · ${subtitle}`)}</text>`);
    parts.push(badge(node.diagnosticCount, node.worstSeverity, w - 14, 15, tooltip));
  } else {
    parts.push(`<rect class="group-box" width="${w}" height="${h}" rx="8"/>`);
    parts.push(`<path class="chevron" d="M10 12L15 17L20 12"/><rect class="hit" data-toggle="1" x="3" y="3" width="24" height="22"/>`);
    const titleWidth = w - 34 - 60;
    parts.push(`<text class="title" x="28" y="15">${escapeXml(fitText(title, 12, titleWidth))}</text>`);
    parts.push(`<text class="subtitle" x="${w - 10}" y="15" text-anchor="end">${escapeXml(subtitle)}</text>`);
  }
  parts.push(`<rect class="outline" x="-3" y="-3" width="${w + 6}" height="${h + 6}" rx="9"/>`);
  parts.push('</g>');
  return parts.join('');
}

/** Markup of one edge: its route with an arrowhead, and its label when it has one. */
export function renderEdge(edge: ViewEdge, route: PositionedEdge, state: { active?: boolean; dimmed?: boolean } = {}): string {
  if (route.points.length < 2) return '';
  const d = route.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${round(p.x)} ${round(p.y)}`).join('');
  const marker = edge.inCycle ? 'arrow-cycle' : state.active ? 'arrow-active' : 'arrow';
  const classes = `edge${edge.inCycle ? ' cycle' : ''}${edge.count > 1 ? ' merged' : ''}${state.active ? ' active' : ''}${state.dimmed ? ' dimmed' : ''}`;
  let markup = `<path class="${classes}" data-edge="${escapeXml(edge.id)}" d="${d}" marker-end="url(#${marker})"/>`;
  if (route.label) {
    const { x, y, width, height, text } = route.label;
    markup += `<g class="edge-label${state.dimmed ? ' dimmed' : ''}"><rect x="${round(x)}" y="${round(y)}" width="${round(width)}" height="${round(height)}" rx="3"/><text x="${round(x + width / 2)}" y="${round(y + height / 2 + 0.5)}">${escapeXml(fitText(text, 11, width - 6))}</text></g>`;
  }
  return markup;
}

/** Arrowhead markers referenced by {@link renderEdge}. */
export function arrowMarkers(): string {
  const marker = (id: string): string =>
    `<marker id="${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse" markerUnits="userSpaceOnUse"><path class="${id}" d="M0 0L10 5L0 10Z"/></marker>`;
  return `<defs>${marker('arrow')}${marker('arrow-cycle')}${marker('arrow-active')}</defs>`;
}

export function renderNode(node: ViewNode, box: PositionedNode, state: NodeState = {}): string {
  return node.kind === 'task' ? renderTaskNode(node, box, state) : renderGroupNode(node, box, state);
}

/** Expanded groups first (outermost first, so inner frames sit on top), then the rest in graph order. */
export function paintOrder(view: VisibleGraph): { frames: ViewNode[]; cards: ViewNode[] } {
  const byId = new Map(view.nodes.map((node) => [node.id, node]));
  const depth = (node: ViewNode): number => {
    let d = 0;
    for (let parent = node.parent; parent !== null && d < 1000; d++) parent = byId.get(parent)?.parent ?? null;
    return d;
  };
  const frames = view.nodes.filter((node) => node.kind === 'group' && !node.collapsed).sort((a, b) => depth(a) - depth(b));
  const cards = view.nodes.filter((node) => !(node.kind === 'group' && !node.collapsed));
  return { frames, cards };
}

const MARGIN = 20;

export interface SvgDocumentOptions {
  colours?: ColourResolver;
  /** A title for the picture (the DAG id). */
  title?: string;
  /** Per-node state (the panel's selection and search), by node id. */
  nodeState?: (nodeId: string) => NodeState;
}

/** A complete, standalone SVG document of a laid-out graph (the CLI's output and the panel's export). */
export function renderGraphDocument(view: VisibleGraph, layout: GraphLayout, options: SvgDocumentOptions = {}): string {
  const colours = options.colours ?? lightColours;
  const width = Math.ceil(layout.width + 2 * MARGIN);
  const height = Math.ceil(layout.height + 2 * MARGIN);
  const { frames, cards } = paintOrder(view);
  const body: string[] = [];
  const draw = (node: ViewNode): void => {
    const box = layout.nodes.get(node.id);
    if (box) body.push(renderNode(node, box, options.nodeState?.(node.id) ?? {}));
  };
  frames.forEach(draw);
  for (const edge of view.edges) {
    const route = layout.edges.get(edge.id);
    if (route) body.push(renderEdge(edge, route));
  }
  cards.forEach(draw);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="dag-graph" width="${width}" height="${height}" viewBox="${-MARGIN} ${-MARGIN} ${width} ${height}">`,
    options.title ? `<title>${escapeXml(options.title)}</title>` : '',
    `<style>${graphStylesheet(colours, `-apple-system, BlinkMacSystemFont, 'Segoe UI', Ubuntu, 'Helvetica Neue', sans-serif`)}</style>`,
    arrowMarkers(),
    `<rect class="background" x="${-MARGIN}" y="${-MARGIN}" width="${width}" height="${height}"/>`,
    ...body,
    '</svg>',
  ].join('\n');
}
