import type { GraphDag, GraphSnapshot } from '../../protocol/lsp';
import {
  DagDidSelect,
  ExportSave,
  PanelSetLock,
  TaskReveal,
  type ExportFormat,
  type GraphDidChangeMessage,
  type LineageFilter,
  type WebviewMessage,
} from '../../protocol/webview';
import { fastLayout, shapeKey, type GraphLayout, type PositionedNode } from '../../server/src/graph/layout';
import { arrowMarkers, escapeXml, graphStylesheet, renderEdge, renderGraphDocument, renderNode, themeVariables, GRAPH_COLOURS, type NodeState } from '../../server/src/graph/svg';
import { buildVisibleGraph, defaultCollapsedGroups, type ViewNode, type VisibleGraph } from '../../server/src/graph/view';
import { showHoverCard, hideHoverCard } from './hoverCard';
import { icon } from './icons';
import type { LayoutScheduler } from './layoutScheduler';
import { Minimap } from './minimap';
import { appendMarkup, elementFromMarkup } from './svgDom';
import { dagKey, rememberCollapsed, rememberedCollapsed, type PersistedState, type Viewport } from './viewState';

const SVG_NS = 'http://www.w3.org/2000/svg';
/** Extra margin (in screen pixels) drawn around the visible area, so short pans show no blank edges. */
const CULL_MARGIN = 240;
/** Below this zoom, nodes are drawn as plain boxes: text would be unreadable and costs the most. */
const DETAIL_SCALE = 0.32;
const MIN_SCALE = 0.02;
const MAX_SCALE = 3;
/** If ELK has not answered by then on a graph the panel has never shown, the fast layout paints first. */
const PROVISIONAL_PAINT_AFTER_MS = 150;

export interface HostBridge {
  post(message: WebviewMessage): void;
  saveState(state: PersistedState): void;
}

interface Rendered {
  element: SVGGElement;
  version: number;
}

/**
 * The graph panel's view: owns the DOM, the current snapshot and view state, and turns user input
 * into messages for the host. All graph geometry comes from the shared layout; all markup from the
 * shared SVG module, so the panel and the CLI draw the same thing.
 */
export class GraphView {
  private snapshot: GraphSnapshot | null = null;
  private dag: GraphDag | null = null;
  private fileName = '';
  private locked = false;
  private view: VisibleGraph | null = null;
  private layout: GraphLayout | null = null;
  private layoutShape = '';
  private collapsed = new Set<string>();
  private selectedNodeId: string | null = null;
  private focusedNodeId: string | null = null;
  private lineageNodes = new Set<string>();
  private lineageEdges = new Set<string>();
  private matches: string[] = [];
  private matchIndex = -1;
  private stateVersion = 0;
  private renderedNodes = new Map<string, Rendered>();
  private renderedEdges = new Map<string, Rendered>();
  private frameRequested = false;
  /** True while the viewport is the one an automatic fit chose (a better layout may then fit again). */
  private autoFitted = false;
  private hoverTimer: ReturnType<typeof setTimeout> | undefined;
  private pointer: { id: number; startX: number; startY: number; viewport: Viewport; moved: boolean } | null = null;
  private readonly minimap: Minimap;

  private readonly toolbar: HTMLElement;
  private readonly titleLabel: HTMLElement;
  private readonly dagPicker: HTMLSelectElement;
  private readonly searchInput: HTMLInputElement;
  private readonly matchCount: HTMLElement;
  private readonly lineageSelect: HTMLSelectElement;
  private readonly directionButton: HTMLButtonElement;
  private readonly lockButton: HTMLButtonElement;
  private readonly banner: HTMLElement;
  private readonly canvas: HTMLElement;
  private readonly svg: SVGSVGElement;
  private readonly viewportGroup: SVGGElement;
  private readonly frameLayer: SVGGElement;
  private readonly edgeLayer: SVGGElement;
  private readonly nodeLayer: SVGGElement;
  private readonly emptyMessage: HTMLElement;
  private readonly progress: HTMLElement;
  private readonly hoverCard: HTMLElement;
  /** Announces the selected task to screen readers (the SVG itself is not navigable by them). */
  private readonly announcer: HTMLElement;

  constructor(
    root: HTMLElement,
    private readonly host: HostBridge,
    private readonly layouts: LayoutScheduler,
    private readonly state: PersistedState,
    styleNonce: string | undefined,
  ) {
    const style = document.createElement('style');
    if (styleNonce) style.nonce = styleNonce;
    style.textContent = graphStylesheet(themeVariables);
    document.head.appendChild(style);

    this.toolbar = element('div', 'toolbar', { role: 'toolbar', 'aria-label': 'Graph' });
    this.titleLabel = element('span', 'title');
    this.dagPicker = element('select', 'dag-picker', { 'aria-label': 'DAG', title: 'DAG in this file' });
    this.searchInput = element('input', 'search', { type: 'search', placeholder: 'Find task', 'aria-label': 'Find task', spellcheck: 'false' });
    this.matchCount = element('span', 'count', { 'aria-live': 'polite' });
    this.lineageSelect = element('select', 'lineage', { 'aria-label': 'Lineage filter', title: 'Show only the lineage of the selected task' });
    for (const [value, label] of [['all', 'All tasks'], ['upstream', 'Upstream'], ['downstream', 'Downstream'], ['both', 'Up- and downstream']]) {
      const option = element('option', '', { value });
      option.textContent = label;
      this.lineageSelect.appendChild(option);
    }
    this.directionButton = button('direction', 'Toggle direction (left to right / top to bottom)', 'direction-right');
    this.lockButton = button('lock', 'Lock the graph to this file', 'unlock');
    this.toolbar.append(
      this.titleLabel,
      this.dagPicker,
      separator(),
      this.searchInput,
      this.matchCount,
      this.lineageSelect,
      element('span', 'spacer'),
      this.directionButton,
      button('collapse-all', 'Collapse all groups', 'collapse-all'),
      button('expand-all', 'Expand all groups', 'expand-all'),
      separator(),
      button('zoom-out', 'Zoom out (-)', 'zoom-out'),
      button('zoom-in', 'Zoom in (+)', 'zoom-in'),
      button('fit', 'Fit to view (0)', 'fit'),
      separator(),
      button('export-svg', 'Save as SVG', 'export-svg'),
      button('export-png', 'Save as PNG', 'export-png'),
      this.lockButton,
    );
    this.banner = element('div', 'banner', { role: 'status' });
    this.canvas = element('div', 'canvas', { tabindex: '0', role: 'application', 'aria-label': 'Task graph. Arrow keys move along edges, Enter reveals the task.' });
    this.svg = document.createElementNS(SVG_NS, 'svg');
    this.svg.classList.add('dag-graph');
    appendMarkup(this.svg, arrowMarkers());
    this.viewportGroup = svgGroup('viewport');
    this.frameLayer = svgGroup('frames');
    this.edgeLayer = svgGroup('edges');
    this.nodeLayer = svgGroup('nodes');
    this.viewportGroup.append(this.frameLayer, this.edgeLayer, this.nodeLayer);
    this.svg.appendChild(this.viewportGroup);
    this.emptyMessage = element('div', 'empty-message');
    this.progress = element('div', 'progress');
    this.hoverCard = element('div', 'hover-card', { role: 'tooltip' });
    const minimapCanvas = element('canvas', 'minimap', { 'aria-hidden': 'true' });
    this.announcer = element('div', 'visually-hidden', { 'aria-live': 'polite' });
    this.canvas.append(this.svg, this.emptyMessage, this.progress, this.hoverCard, minimapCanvas, this.announcer);
    root.append(this.toolbar, this.banner, this.canvas);
    this.minimap = new Minimap(minimapCanvas, (x, y) => this.centerOn(x, y));

    this.searchInput.value = state.search;
    this.lineageSelect.value = state.lineage;
    this.updateDirectionButton();
    this.installListeners();
    // VS Code swaps the body's theme class when the colour theme changes; the canvas-drawn minimap
    // has to re-read its colours then (the SVG follows the CSS variables by itself).
    new MutationObserver(() => {
      this.minimap.forgetColours();
      this.scheduleFrame();
    }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
    this.showEmpty('Waiting for the DAG…');
  }

  // -------------------------------------------------------------------------------------------
  // Host messages

  /** A new snapshot from the host. */
  update(message: GraphDidChangeMessage): void {
    const { snapshot } = message;
    this.locked = message.locked;
    this.updateLockButton();
    const sameDocument = this.snapshot?.uri === snapshot.uri;
    if (sameDocument && this.snapshot && snapshot.version < this.snapshot.version) return;
    if (!snapshot.parseOk && sameDocument && this.dag) {
      // Keep the last good graph while the user is in the middle of an edit.
      this.showBanner('error', 'The file has a syntax error: showing the last graph that parsed.');
      return;
    }
    if (!snapshot.parseOk) this.showBanner('error', 'The file has a syntax error: the graph may be incomplete.');
    else this.hideBanner();

    if (!sameDocument && this.state.uri !== snapshot.uri) {
      // Another file: its own viewport and selection, not the previous file's.
      this.state.viewport = null;
      this.state.selectedTaskId = null;
      this.state.dagId = null;
    }
    this.state.uri = snapshot.uri;
    this.snapshot = snapshot;
    this.fileName = message.fileName;
    const requested = message.dagId !== null && snapshot.dags.some((dag) => dag.dagId === message.dagId) ? message.dagId : null;
    const wanted = requested ?? this.state.dagId;
    const dag = snapshot.dags.find((candidate) => candidate.dagId === wanted) ?? snapshot.dags[0] ?? null;
    if (requested !== null && requested !== this.dag?.dagId && this.dag !== null) this.state.viewport = null;
    this.renderDagPicker(snapshot, dag);
    this.showDag(dag);
    this.updateTitle();
  }

  /** The editor's cursor moved onto `taskId` (or off every task). */
  selectFromEditor(taskId: string | null): void {
    if (taskId === null || !this.view) return;
    const nodeId = this.view.representative.get(taskId);
    if (!nodeId) return;
    this.select(nodeId, { reveal: false, scroll: true });
  }

  private runAction(action: 'fit' | 'toggleDirection' | 'collapseAll' | 'expandAll' | 'focusSearch'): void {
    switch (action) {
      case 'fit':
        this.fit();
        break;
      case 'toggleDirection':
        this.toggleDirection();
        break;
      case 'collapseAll':
        this.setCollapsed(new Set(this.dag?.groups.map((group) => group.groupId) ?? []));
        break;
      case 'expandAll':
        this.setCollapsed(new Set());
        break;
      case 'focusSearch':
        this.searchInput.focus();
        this.searchInput.select();
        break;
    }
  }

  /** Builds a picture of the whole graph and hands it to the host to save. */
  async export(format: ExportFormat): Promise<void> {
    if (!this.view || !this.layout || !this.dag) return;
    const styles = getComputedStyle(document.documentElement);
    const svgText = renderGraphDocument(this.view, this.layout, {
      title: this.dag.dagId ?? 'DAG',
      colours: (colour) => styles.getPropertyValue(GRAPH_COLOURS[colour][0]).trim() || GRAPH_COLOURS[colour][1],
      nodeState: (nodeId) => this.nodeState(nodeId),
    });
    const baseName = (this.dag.dagId ?? 'dag').replace(/[^\w.-]+/g, '_').slice(0, 120) || 'dag';
    if (format === 'svg') {
      this.host.post({ type: ExportSave, format, data: svgText, suggestedName: `${baseName}.svg` });
      return;
    }
    const png = await svgToPngBase64(svgText, this.layout.width + 40, this.layout.height + 40);
    if (png) this.host.post({ type: ExportSave, format, data: png, suggestedName: `${baseName}.png` });
    else this.showBanner('error', 'The graph is too large to save as PNG; save it as SVG instead.');
  }

  // -------------------------------------------------------------------------------------------
  // Building and laying out

  private showDag(dag: GraphDag | null): void {
    if (!dag || !this.snapshot) {
      this.dag = null;
      this.view = null;
      this.layout = null;
      this.layoutShape = '';
      this.clearRendering();
      this.showEmpty(this.snapshot && this.snapshot.dags.length === 0 ? 'No DAG found in this file.' : 'Waiting for the DAG…');
      return;
    }
    const switched = this.dag?.dagId !== dag.dagId || this.state.uri !== this.snapshot.uri;
    this.dag = dag;
    if (this.state.dagId !== dag.dagId) {
      this.state.dagId = dag.dagId;
      this.host.post({ type: DagDidSelect, dagId: dag.dagId });
    }
    const key = dagKey(this.snapshot.uri, dag.dagId);
    this.collapsed = rememberedCollapsed(this.state, key) ?? defaultCollapsedGroups(dag);
    const known = new Set(dag.groups.map((group) => group.groupId));
    for (const groupId of this.collapsed) if (!known.has(groupId)) this.collapsed.delete(groupId);
    if (switched) {
      // Another DAG: nothing of the previous picture applies (and the first paint may be provisional).
      this.layout = null;
      this.layoutShape = '';
      this.clearRendering();
    }
    void this.relayout();
  }

  private async relayout(): Promise<void> {
    const dag = this.dag;
    if (!dag || !this.snapshot) return;
    const selectedTask = this.state.selectedTaskId;
    const view = buildVisibleGraph(dag, { collapsed: this.collapsed, lineage: this.state.lineage, selectedTaskId: selectedTask });
    const shape = shapeKey(view, this.state.direction);
    const version = this.snapshot.version;
    if (shape === this.layoutShape && this.layout) {
      // Same shape: keep every position, redraw only what the new data changes (badges, operators).
      this.view = view;
      this.afterLayout(version, false);
      return;
    }
    if (view.nodes.length === 0) {
      this.view = view;
      this.layout = null;
      this.layoutShape = shape;
      this.clearRendering();
      this.showEmpty(`${dag.dagId ?? 'This DAG'} has no tasks yet.`);
      return;
    }
    this.progress.classList.add('visible');
    const firstPaint = !this.layout;
    let provisional: ReturnType<typeof setTimeout> | undefined;
    if (firstPaint) {
      provisional = setTimeout(() => {
        // ELK is still busy (a big graph, or a cold worker): show the fast layout meanwhile.
        if (this.layout || this.dag !== dag) return;
        this.view = view;
        this.layout = fastLayout(view, this.state.direction);
        this.afterLayout(version, true, true);
      }, PROVISIONAL_PAINT_AFTER_MS);
    }
    const layout = await this.layouts.request({ view, direction: this.state.direction });
    clearTimeout(provisional);
    if (!layout || this.dag !== dag) return;
    this.progress.classList.remove('visible');
    const wasProvisional = this.layout?.engine === 'fast' && layout.engine === 'elk' && this.layoutShape === '';
    this.view = view;
    this.layout = layout;
    this.layoutShape = shape;
    this.afterLayout(version, firstPaint || wasProvisional);
  }

  private afterLayout(version: number, firstPaint: boolean, provisional = false): void {
    if (!this.view || !this.layout) return;
    this.hideEmpty();
    const notice = this.layout.engine === 'fast' && this.view.nodes.length > 1 && this.layoutShape !== ''
      ? `Large graph (${this.view.nodes.length} nodes): a simplified layout is shown. Collapse groups or filter by lineage for the full layout.`
      : null;
    if (notice && !this.banner.classList.contains('error')) this.showBanner('info', notice);
    else if (!notice && this.banner.classList.contains('info')) this.hideBanner();
    const selected = this.state.selectedTaskId !== null ? this.view.representative.get(this.state.selectedTaskId) ?? null : null;
    this.selectedNodeId = selected;
    if (this.focusedNodeId && !this.layout.nodes.has(this.focusedNodeId)) this.focusedNodeId = null;
    this.computeLineage();
    this.computeMatches();
    this.stateVersion++;
    // Data may have changed under the same ids: redraw every rendered element.
    this.clearRendering();
    if (!this.state.viewport || (firstPaint && this.autoFitted)) {
      this.fit();
      this.autoFitted = true;
    } else this.applyViewport();
    this.canvas.dataset.version = String(version);
    this.canvas.dataset.layoutNodes = String(this.layout.nodes.size);
    this.canvas.dataset.layoutEdges = String(this.view.edges.length);
    this.canvas.dataset.engine = this.layout.engine;
    // A provisional picture is replaced when ELK answers (tests and benchmarks wait for the final one).
    this.canvas.dataset.provisional = String(provisional);
  }

  private setCollapsed(collapsed: Set<string>): void {
    if (!this.snapshot || !this.dag) return;
    this.collapsed = collapsed;
    rememberCollapsed(this.state, dagKey(this.snapshot.uri, this.dag.dagId), collapsed);
    this.persist();
    void this.relayout();
  }

  private toggleGroup(groupId: string): void {
    const next = new Set(this.collapsed);
    if (next.has(groupId)) next.delete(groupId);
    else next.add(groupId);
    this.setCollapsed(next);
  }

  private toggleDirection(): void {
    this.state.direction = this.state.direction === 'RIGHT' ? 'DOWN' : 'RIGHT';
    this.state.viewport = null;
    this.layout = null;
    this.layoutShape = '';
    this.updateDirectionButton();
    this.persist();
    void this.relayout();
  }

  // -------------------------------------------------------------------------------------------
  // Rendering

  private clearRendering(): void {
    this.frameLayer.replaceChildren();
    this.edgeLayer.replaceChildren();
    this.nodeLayer.replaceChildren();
    this.renderedNodes.clear();
    this.renderedEdges.clear();
    this.scheduleFrame();
  }

  private scheduleFrame(): void {
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame(() => {
      this.frameRequested = false;
      this.renderVisible();
    });
  }

  private nodeState(nodeId: string): NodeState {
    return {
      selected: nodeId === this.selectedNodeId,
      active: this.lineageNodes.has(nodeId) && nodeId !== this.selectedNodeId,
      match: this.matches.includes(nodeId),
      focused: nodeId === this.focusedNodeId && nodeId !== this.selectedNodeId,
    };
  }

  /** Draws what intersects the visible area (plus a margin) and removes what left it. */
  private renderVisible(): void {
    const { view, layout } = this;
    if (!view || !layout) return;
    const viewport = this.currentViewport();
    const { width, height } = this.canvas.getBoundingClientRect();
    const left = (-viewport.x - CULL_MARGIN) / viewport.scale;
    const top = (-viewport.y - CULL_MARGIN) / viewport.scale;
    const right = (width - viewport.x + CULL_MARGIN) / viewport.scale;
    const bottom = (height - viewport.y + CULL_MARGIN) / viewport.scale;
    const visible = (x: number, y: number, w: number, h: number): boolean => x <= right && x + w >= left && y <= bottom && y + h >= top;
    const detailed = viewport.scale >= DETAIL_SCALE;
    const version = this.stateVersion * 2 + (detailed ? 1 : 0);

    const seenNodes = new Set<string>();
    for (const node of view.nodes) {
      const box = layout.nodes.get(node.id);
      if (!box || !visible(box.x, box.y, box.width, box.height)) continue;
      seenNodes.add(node.id);
      const existing = this.renderedNodes.get(node.id);
      if (existing && existing.version === version) continue;
      const markup = detailed ? renderNode(node, box, this.nodeState(node.id)) : compactNode(node, box, this.nodeState(node.id));
      const element = fromMarkup(markup);
      if (!element) continue;
      const layer = node.kind === 'group' && !node.collapsed ? this.frameLayer : this.nodeLayer;
      if (existing) existing.element.replaceWith(element);
      else if (layer === this.frameLayer) this.insertFrame(element, node);
      else layer.appendChild(element);
      this.renderedNodes.set(node.id, { element, version });
    }
    for (const [id, rendered] of this.renderedNodes) {
      if (seenNodes.has(id)) continue;
      rendered.element.remove();
      this.renderedNodes.delete(id);
    }

    const seenEdges = new Set<string>();
    for (const edge of view.edges) {
      const route = layout.edges.get(edge.id);
      if (!route || route.points.length < 2) continue;
      let minX = Infinity;
      let minY = Infinity;
      let maxX = -Infinity;
      let maxY = -Infinity;
      for (const point of route.points) {
        minX = Math.min(minX, point.x);
        minY = Math.min(minY, point.y);
        maxX = Math.max(maxX, point.x);
        maxY = Math.max(maxY, point.y);
      }
      if (!visible(minX, minY, maxX - minX, maxY - minY)) continue;
      seenEdges.add(edge.id);
      const existing = this.renderedEdges.get(edge.id);
      if (existing && existing.version === version) continue;
      const active = this.lineageEdges.has(edge.id);
      const markup = renderEdge(detailed ? edge : { ...edge, label: null }, detailed ? route : { ...route, label: null }, { active });
      const element = fromMarkup(`<g>${markup}</g>`);
      if (!element) continue;
      if (existing) existing.element.replaceWith(element);
      else this.edgeLayer.appendChild(element);
      this.renderedEdges.set(edge.id, { element, version });
    }
    for (const [id, rendered] of this.renderedEdges) {
      if (seenEdges.has(id)) continue;
      rendered.element.remove();
      this.renderedEdges.delete(id);
    }
    this.canvas.dataset.renderedNodes = String(this.renderedNodes.size);
    this.minimap.draw(layout, viewport, width, height);
  }

  /** Frames nest: an inner group's frame must come after (on top of) its outer group's frame. */
  private insertFrame(element: SVGGElement, node: ViewNode): void {
    let depth = 0;
    for (let parent = node.parent; parent !== null && depth < 1000; depth++) parent = this.view?.nodes.find((candidate) => candidate.id === parent)?.parent ?? null;
    element.dataset.depth = String(depth);
    const after = [...this.frameLayer.children].find((child) => Number((child as SVGGElement).dataset.depth) > depth);
    this.frameLayer.insertBefore(element, after ?? null);
  }

  // -------------------------------------------------------------------------------------------
  // Viewport

  private currentViewport(): Viewport {
    return this.state.viewport ?? { x: 0, y: 0, scale: 1 };
  }

  private setViewport(viewport: Viewport): void {
    this.autoFitted = false;
    const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, viewport.scale));
    this.state.viewport = { x: viewport.x, y: viewport.y, scale };
    this.applyViewport();
    this.persistSoon();
  }

  private applyViewport(): void {
    const { x, y, scale } = this.currentViewport();
    this.viewportGroup.setAttribute('transform', `translate(${x},${y}) scale(${scale})`);
    this.canvas.dataset.viewport = `${Math.round(x)},${Math.round(y)},${scale.toFixed(4)}`;
    this.scheduleFrame();
  }

  /** Shows the whole graph, never magnified beyond 100%. */
  fit(): void {
    if (!this.layout) return;
    const { width, height } = this.canvas.getBoundingClientRect();
    if (width === 0 || height === 0) return;
    const padding = 24;
    const scale = Math.min(1, (width - 2 * padding) / Math.max(1, this.layout.width), (height - 2 * padding) / Math.max(1, this.layout.height));
    const clamped = Math.max(MIN_SCALE, scale);
    this.setViewport({
      x: (width - this.layout.width * clamped) / 2,
      y: Math.max(padding, (height - this.layout.height * clamped) / 2),
      scale: clamped,
    });
  }

  private zoomBy(factor: number, screenX?: number, screenY?: number): void {
    const { width, height } = this.canvas.getBoundingClientRect();
    const cx = screenX ?? width / 2;
    const cy = screenY ?? height / 2;
    const viewport = this.currentViewport();
    const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, viewport.scale * factor));
    const ratio = scale / viewport.scale;
    this.setViewport({ x: cx - (cx - viewport.x) * ratio, y: cy - (cy - viewport.y) * ratio, scale });
  }

  private centerOn(graphX: number, graphY: number): void {
    const { width, height } = this.canvas.getBoundingClientRect();
    const { scale } = this.currentViewport();
    this.setViewport({ x: width / 2 - graphX * scale, y: height / 2 - graphY * scale, scale });
  }

  /** Pans the least needed to bring a node into view. */
  private scrollIntoView(box: PositionedNode): void {
    const { width, height } = this.canvas.getBoundingClientRect();
    const viewport = this.currentViewport();
    const margin = 40;
    const sx = box.x * viewport.scale + viewport.x;
    const sy = box.y * viewport.scale + viewport.y;
    const sw = box.width * viewport.scale;
    const sh = box.height * viewport.scale;
    let { x, y } = viewport;
    if (sx < margin) x += margin - sx;
    else if (sx + sw > width - margin) x -= sx + sw - (width - margin);
    if (sy < margin) y += margin - sy;
    else if (sy + sh > height - margin) y -= sy + sh - (height - margin);
    if (x !== viewport.x || y !== viewport.y) this.setViewport({ x, y, scale: viewport.scale });
  }

  // -------------------------------------------------------------------------------------------
  // Selection, lineage, search

  private select(nodeId: string | null, options: { reveal: boolean; scroll: boolean; preserveFocus?: boolean }): void {
    this.selectedNodeId = nodeId;
    this.focusedNodeId = nodeId;
    const node = nodeId ? this.view?.nodes.find((candidate) => candidate.id === nodeId) : undefined;
    if (node?.kind === 'task') this.state.selectedTaskId = node.task.taskId;
    else if (nodeId === null) this.state.selectedTaskId = null;
    this.computeLineage();
    this.refreshStates();
    this.persist();
    const box = nodeId ? this.layout?.nodes.get(nodeId) : undefined;
    if (box && options.scroll) this.scrollIntoView(box);
    this.announcer.textContent = node?.kind === 'task'
      ? `${node.task.taskId}, ${node.task.operator}${node.task.diagnostics.length ? `, ${node.task.diagnostics.length} problem${node.task.diagnostics.length === 1 ? '' : 's'}` : ''}`
      : node?.kind === 'group'
        ? `Task group ${node.group.groupId}, ${node.taskCount} tasks, ${node.collapsed ? 'collapsed' : 'expanded'}`
        : '';
    if (node?.kind === 'task' && options.reveal) {
      this.host.post({ type: TaskReveal, taskId: node.task.taskId, dagId: this.dag?.dagId ?? null, preserveFocus: options.preserveFocus ?? false });
    }
    if (this.state.lineage !== 'all') void this.relayout();
  }

  private computeLineage(): void {
    this.lineageNodes.clear();
    this.lineageEdges.clear();
    const view = this.view;
    const start = this.selectedNodeId;
    if (!view || !start) return;
    const out = new Map<string, Array<{ id: string; to: string }>>();
    const into = new Map<string, Array<{ id: string; to: string }>>();
    for (const edge of view.edges) {
      (out.get(edge.from) ?? out.set(edge.from, []).get(edge.from)!).push({ id: edge.id, to: edge.to });
      (into.get(edge.to) ?? into.set(edge.to, []).get(edge.to)!).push({ id: edge.id, to: edge.from });
    }
    for (const neighbours of [out, into]) {
      const queue = [start];
      const seen = new Set(queue);
      while (queue.length > 0) {
        for (const { id, to } of neighbours.get(queue.pop()!) ?? []) {
          this.lineageEdges.add(id);
          if (seen.has(to)) continue;
          seen.add(to);
          this.lineageNodes.add(to);
          queue.push(to);
        }
      }
    }
  }

  private computeMatches(): void {
    const query = this.searchInput.value.trim().toLowerCase();
    const view = this.view;
    this.matches = [];
    if (query && view) {
      const seen = new Set<string>();
      for (const node of view.nodes) {
        if (node.kind !== 'task') continue;
        if (node.task.taskId.toLowerCase().includes(query) || node.task.operator.toLowerCase().includes(query)) seen.add(node.id);
      }
      // A match hidden in a collapsed group lights up the group.
      for (const task of this.dag?.tasks ?? []) {
        if (!task.taskId.toLowerCase().includes(query)) continue;
        const representative = view.representative.get(task.taskId);
        if (representative) seen.add(representative);
      }
      this.matches = view.nodes.filter((node) => seen.has(node.id)).map((node) => node.id);
    }
    this.matchIndex = Math.min(this.matchIndex, this.matches.length - 1);
    this.matchCount.textContent = query ? (this.matches.length === 0 ? 'No results' : `${this.matchIndex >= 0 ? this.matchIndex + 1 : '–'} of ${this.matches.length}`) : '';
  }

  private nextMatch(step: number): void {
    if (this.matches.length === 0) return;
    this.matchIndex = (this.matchIndex + step + this.matches.length) % this.matches.length;
    const nodeId = this.matches[this.matchIndex];
    this.select(nodeId, { reveal: false, scroll: false });
    const box = this.layout?.nodes.get(nodeId);
    if (box) this.centerOn(box.x + box.width / 2, box.y + box.height / 2);
    this.computeMatches();
  }

  /** Selection, lineage or search changed: redraw what is on screen with the new classes. */
  private refreshStates(): void {
    this.stateVersion++;
    this.scheduleFrame();
  }

  // -------------------------------------------------------------------------------------------
  // Keyboard: along edges, Enter reveals

  private moveFocus(key: string, shift: boolean): boolean {
    const view = this.view;
    const layout = this.layout;
    if (!view || !layout || view.nodes.length === 0) return false;
    const cards = view.nodes.filter((node) => !(node.kind === 'group' && !node.collapsed));
    const current = this.focusedNodeId ?? this.selectedNodeId;
    const order = [...cards].sort((a, b) => {
      const boxA = layout.nodes.get(a.id)!;
      const boxB = layout.nodes.get(b.id)!;
      return this.state.direction === 'RIGHT' ? boxA.x - boxB.x || boxA.y - boxB.y : boxA.y - boxB.y || boxA.x - boxB.x;
    });
    let target: string | undefined;
    if (!current) target = order[0]?.id;
    else if (key === 'Tab') {
      const index = order.findIndex((node) => node.id === current);
      target = order[index + (shift ? -1 : 1)]?.id;
      if (!target) return false;
    } else {
      const forward = this.state.direction === 'RIGHT' ? 'ArrowRight' : 'ArrowDown';
      const backward = this.state.direction === 'RIGHT' ? 'ArrowLeft' : 'ArrowUp';
      if (key === forward) target = this.neighbourAlongEdges(current, 'down');
      else if (key === backward) target = this.neighbourAlongEdges(current, 'up');
      else target = this.neighbourAcross(current, key === 'ArrowDown' || key === 'ArrowRight' ? 1 : -1, cards);
    }
    if (target) this.select(target, { reveal: true, scroll: true, preserveFocus: true });
    return true;
  }

  /** The nearest node one edge up- or downstream (nearest on screen to the current one). */
  private neighbourAlongEdges(nodeId: string, direction: 'up' | 'down'): string | undefined {
    const candidates = this.view!.edges.filter((edge) => (direction === 'down' ? edge.from === nodeId : edge.to === nodeId)).map((edge) => (direction === 'down' ? edge.to : edge.from));
    return this.nearest(nodeId, candidates);
  }

  /** The nearest node beside the current one across the flow (same layer, above/below or left/right). */
  private neighbourAcross(nodeId: string, sign: number, cards: ViewNode[]): string | undefined {
    const layout = this.layout!;
    const box = layout.nodes.get(nodeId);
    if (!box) return undefined;
    const horizontal = this.state.direction === 'RIGHT';
    const along = (b: PositionedNode): number => (horizontal ? b.x + b.width / 2 : b.y + b.height / 2);
    const across = (b: PositionedNode): number => (horizontal ? b.y + b.height / 2 : b.x + b.width / 2);
    let best: string | undefined;
    let bestScore = Infinity;
    for (const node of cards) {
      const other = layout.nodes.get(node.id);
      if (!other || node.id === nodeId) continue;
      const delta = (across(other) - across(box)) * sign;
      if (delta <= 0) continue;
      const score = delta + 3 * Math.abs(along(other) - along(box));
      if (score < bestScore) {
        bestScore = score;
        best = node.id;
      }
    }
    return best;
  }

  private nearest(fromId: string, candidates: string[]): string | undefined {
    const layout = this.layout!;
    const from = layout.nodes.get(fromId);
    if (!from) return candidates[0];
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const id of candidates) {
      const box = layout.nodes.get(id);
      if (!box) continue;
      const distance = Math.hypot(box.x - from.x, box.y - from.y);
      if (distance < bestDistance) {
        bestDistance = distance;
        best = id;
      }
    }
    return best;
  }

  // -------------------------------------------------------------------------------------------
  // Input

  private installListeners(): void {
    this.toolbar.addEventListener('click', (event) => {
      const target = (event.target as Element).closest('button');
      if (!target) return;
      switch (target.dataset.action) {
        case 'direction':
          this.toggleDirection();
          break;
        case 'collapse-all':
          this.runAction('collapseAll');
          break;
        case 'expand-all':
          this.runAction('expandAll');
          break;
        case 'zoom-in':
          this.zoomBy(1.25);
          break;
        case 'zoom-out':
          this.zoomBy(0.8);
          break;
        case 'fit':
          this.fit();
          break;
        case 'export-svg':
          void this.export('svg');
          break;
        case 'export-png':
          void this.export('png');
          break;
        case 'lock':
          this.locked = !this.locked;
          this.updateLockButton();
          this.host.post({ type: PanelSetLock, locked: this.locked });
          break;
      }
    });
    this.dagPicker.addEventListener('change', () => {
      const dag = this.snapshot?.dags[Number(this.dagPicker.value)] ?? null;
      this.state.viewport = null;
      this.state.selectedTaskId = null;
      this.layout = null;
      this.layoutShape = '';
      this.showDag(dag);
    });
    this.searchInput.addEventListener('input', () => {
      this.state.search = this.searchInput.value;
      this.matchIndex = -1;
      this.computeMatches();
      this.refreshStates();
      this.persistSoon();
    });
    this.searchInput.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        this.nextMatch(event.shiftKey ? -1 : 1);
      } else if (event.key === 'Escape') {
        this.searchInput.value = '';
        this.searchInput.dispatchEvent(new Event('input'));
        this.canvas.focus();
      }
    });
    this.lineageSelect.addEventListener('change', () => {
      this.state.lineage = this.lineageSelect.value as LineageFilter;
      this.persist();
      void this.relayout();
    });

    this.canvas.addEventListener('wheel', (event) => {
      event.preventDefault();
      const rect = this.canvas.getBoundingClientRect();
      // Pinch gestures arrive as ctrl+wheel with small deltas; mouse wheels as larger steps.
      const factor = Math.exp(-event.deltaY * (event.ctrlKey ? 0.01 : 0.0015));
      this.zoomBy(factor, event.clientX - rect.left, event.clientY - rect.top);
    }, { passive: false });

    this.canvas.addEventListener('pointerdown', (event) => {
      if (event.button !== 0 || (event.target as Element).closest('.minimap')) return;
      this.pointer = { id: event.pointerId, startX: event.clientX, startY: event.clientY, viewport: this.currentViewport(), moved: false };
    });
    this.canvas.addEventListener('pointermove', (event) => {
      const pointer = this.pointer;
      if (pointer && pointer.id === event.pointerId) {
        const dx = event.clientX - pointer.startX;
        const dy = event.clientY - pointer.startY;
        if (!pointer.moved && Math.hypot(dx, dy) < 4) return;
        if (!pointer.moved) {
          pointer.moved = true;
          this.canvas.setPointerCapture(event.pointerId);
          this.canvas.classList.add('panning');
          hideHoverCard(this.hoverCard);
        }
        this.setViewport({ x: pointer.viewport.x + dx, y: pointer.viewport.y + dy, scale: pointer.viewport.scale });
        return;
      }
      this.onHover(event);
    });
    const endPointer = (event: PointerEvent): void => {
      const pointer = this.pointer;
      if (!pointer || pointer.id !== event.pointerId) return;
      this.pointer = null;
      this.canvas.classList.remove('panning');
      if (pointer.moved) return;
      if (event.type === 'pointerup') this.onClick(event);
    };
    this.canvas.addEventListener('pointerup', endPointer);
    this.canvas.addEventListener('pointercancel', endPointer);
    this.canvas.addEventListener('pointerleave', () => {
      clearTimeout(this.hoverTimer);
      hideHoverCard(this.hoverCard);
    });
    this.canvas.addEventListener('dblclick', (event) => {
      const nodeId = nodeIdAt(event.target);
      if (nodeId === null) this.fit();
    });

    this.canvas.addEventListener('keydown', (event) => {
      const key = event.key;
      if (key === 'Tab' || key.startsWith('Arrow')) {
        if (this.moveFocus(key, event.shiftKey)) event.preventDefault();
      } else if (key === 'Enter') {
        const node = this.view?.nodes.find((candidate) => candidate.id === (this.focusedNodeId ?? this.selectedNodeId));
        if (node?.kind === 'task') this.select(node.id, { reveal: true, scroll: true });
        else if (node?.kind === 'group') this.toggleGroup(node.group.groupId);
        event.preventDefault();
      } else if (key === ' ') {
        const node = this.view?.nodes.find((candidate) => candidate.id === (this.focusedNodeId ?? this.selectedNodeId));
        if (node?.kind === 'group') this.toggleGroup(node.group.groupId);
        event.preventDefault();
      } else if (key === 'Escape') {
        this.select(null, { reveal: false, scroll: false });
      } else if (key === '+' || key === '=') {
        this.zoomBy(1.25);
      } else if (key === '-') {
        this.zoomBy(0.8);
      } else if (key === '0') {
        this.fit();
      } else if (key === '/' || (key === 'f' && (event.ctrlKey || event.metaKey))) {
        event.preventDefault();
        this.runAction('focusSearch');
      }
    });
    new ResizeObserver(() => this.scheduleFrame()).observe(this.canvas);
  }

  private onClick(event: PointerEvent): void {
    const nodeId = nodeIdAt(event.target);
    if (nodeId === null) {
      this.select(null, { reveal: false, scroll: false });
      return;
    }
    const node = this.view?.nodes.find((candidate) => candidate.id === nodeId);
    if (!node) return;
    if (node.kind === 'group') {
      const onChevron = (event.target as Element).closest('[data-toggle]') !== null;
      const box = this.layout?.nodes.get(node.id);
      const viewport = this.currentViewport();
      const rect = this.canvas.getBoundingClientRect();
      const graphY = (event.clientY - rect.top - viewport.y) / viewport.scale;
      const onHeader = box !== undefined && graphY - box.y < 30;
      // A collapsed group opens on click; an expanded one closes from its header.
      if (node.collapsed || onChevron || onHeader) this.toggleGroup(node.group.groupId);
      else this.select(null, { reveal: false, scroll: false });
      return;
    }
    this.select(nodeId, { reveal: true, scroll: false });
  }

  private onHover(event: PointerEvent): void {
    const nodeId = nodeIdAt(event.target);
    clearTimeout(this.hoverTimer);
    if (nodeId === null) {
      hideHoverCard(this.hoverCard);
      return;
    }
    const node = this.view?.nodes.find((candidate) => candidate.id === nodeId);
    if (!node || (node.kind === 'group' && !node.collapsed && !(event.target as Element).closest('text, [data-toggle]'))) {
      hideHoverCard(this.hoverCard);
      return;
    }
    const rect = this.canvas.getBoundingClientRect();
    const x = event.clientX - rect.left;
    const y = event.clientY - rect.top;
    this.hoverTimer = setTimeout(() => showHoverCard(this.hoverCard, node, x, y, rect.width, rect.height), this.hoverCard.classList.contains('visible') ? 0 : 350);
  }

  // -------------------------------------------------------------------------------------------
  // Chrome

  private renderDagPicker(snapshot: GraphSnapshot, current: GraphDag | null): void {
    this.dagPicker.replaceChildren();
    snapshot.dags.forEach((dag, index) => {
      const option = element('option', '', { value: String(index) });
      option.textContent = `${dag.dagId ?? '(dynamic id)'} · ${dag.tasks.length} task${dag.tasks.length === 1 ? '' : 's'}`;
      if (dag === current) option.selected = true;
      this.dagPicker.appendChild(option);
    });
    this.dagPicker.hidden = snapshot.dags.length < 2;
  }

  /** The panel's tab already names the file; the toolbar names the DAG (the picker does when there are several). */
  private updateTitle(): void {
    const several = (this.snapshot?.dags.length ?? 0) > 1;
    this.titleLabel.textContent = several ? '' : this.dag?.dagId ?? (this.dag ? '(dynamic DAG id)' : this.fileName);
    this.titleLabel.title = this.dag ? `${this.dag.dagId ?? 'DAG'} in ${this.fileName}` : this.fileName;
    this.titleLabel.hidden = several;
  }

  private updateDirectionButton(): void {
    const right = this.state.direction === 'RIGHT';
    this.directionButton.replaceChildren(icon(right ? 'direction-right' : 'direction-down'));
    this.directionButton.title = right ? 'Layout: left to right (click for top to bottom)' : 'Layout: top to bottom (click for left to right)';
  }

  private updateLockButton(): void {
    this.lockButton.replaceChildren(icon(this.locked ? 'lock' : 'unlock'));
    this.lockButton.setAttribute('aria-pressed', String(this.locked));
    this.lockButton.title = this.locked ? 'Locked to this file (click to follow the active editor)' : 'Following the active editor (click to lock to this file)';
  }

  private showBanner(kind: 'error' | 'info', text: string): void {
    this.banner.className = `banner visible ${kind}`;
    this.banner.textContent = text;
  }

  private hideBanner(): void {
    this.banner.className = 'banner';
    this.banner.textContent = '';
  }

  private showEmpty(text: string): void {
    this.emptyMessage.textContent = text;
    this.emptyMessage.classList.add('visible');
    this.progress.classList.remove('visible');
    this.minimap.hide();
    this.canvas.dataset.renderedNodes = '0';
  }

  private hideEmpty(): void {
    this.emptyMessage.classList.remove('visible');
  }

  private persistTimer: ReturnType<typeof setTimeout> | undefined;

  private persist(): void {
    clearTimeout(this.persistTimer);
    if (this.snapshot && this.dag) rememberCollapsed(this.state, dagKey(this.snapshot.uri, this.dag.dagId), this.collapsed);
    this.host.saveState(this.state);
  }

  /** Viewport changes arrive at pointer-move rate; saving them once they settle is enough. */
  private persistSoon(): void {
    clearTimeout(this.persistTimer);
    this.persistTimer = setTimeout(() => this.persist(), 150);
  }
}

/** A plain box for zoomed-out views: kind colour and selection only, no text. */
function compactNode(node: ViewNode, box: PositionedNode, state: NodeState): string {
  const kind = node.kind === 'task' ? node.task.kind : 'group';
  const classes = `${node.kind === 'task' ? 'node task' : `group ${node.collapsed ? 'collapsed' : 'expanded'}`}${state.selected ? ' selected' : ''}${state.active ? ' active' : ''}${state.match ? ' match' : ''}`;
  const w = Math.round(box.width);
  const h = Math.round(box.height);
  const body = node.kind === 'group' && !node.collapsed
    ? `<rect class="group-box" width="${w}" height="${h}" rx="8"/>`
    : `<rect class="node-box" width="${w}" height="${h}" rx="6"/><rect class="stripe kind-${kind}" x="1" y="1" width="10" height="${h - 2}" rx="2"/>`;
  return `<g class="${classes}" data-node="${escapeXml(node.id)}" transform="translate(${Math.round(box.x)},${Math.round(box.y)})">${body}</g>`;
}

function fromMarkup(markup: string): SVGGElement | null {
  return elementFromMarkup(markup);
}

function nodeIdAt(target: EventTarget | null): string | null {
  const element = target instanceof Element ? target.closest('[data-node]') : null;
  return element?.getAttribute('data-node') ?? null;
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, attributes: Record<string, string> = {}): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

function button(action: string, title: string, iconName: Parameters<typeof icon>[0]): HTMLButtonElement {
  const node = element('button', 'icon-button', { type: 'button', title, 'aria-label': title });
  node.dataset.action = action;
  node.appendChild(icon(iconName));
  return node;
}

function separator(): HTMLElement {
  return element('span', 'separator', { 'aria-hidden': 'true' });
}

function svgGroup(className: string): SVGGElement {
  const group = document.createElementNS(SVG_NS, 'g');
  group.setAttribute('class', className);
  return group;
}

/** Largest side of an exported PNG: browsers refuse bigger canvases. */
const MAX_PNG_SIDE = 16000;

/** Rasterises an SVG document at twice its size (less for huge graphs); null when it cannot. */
async function svgToPngBase64(svgText: string, width: number, height: number): Promise<string | null> {
  const scale = Math.min(2, MAX_PNG_SIDE / Math.max(width, height));
  if (scale < 0.1) return null;
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    await new Promise<void>((resolve, reject) => {
      image.onload = () => resolve();
      image.onerror = () => reject(new Error('image'));
      image.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(width * scale);
    canvas.height = Math.ceil(height * scale);
    const context = canvas.getContext('2d');
    if (!context) return null;
    context.scale(scale, scale);
    context.drawImage(image, 0, 0, width, height);
    const dataUrl = canvas.toDataURL('image/png');
    return dataUrl.slice(dataUrl.indexOf(',') + 1);
  } catch {
    return null;
  } finally {
    URL.revokeObjectURL(url);
  }
}

