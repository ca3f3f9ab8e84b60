import type { GraphDirection, LineageFilter } from '../../protocol/webview';

/** Pan and zoom: a graph point p is drawn at p * scale + (x, y). */
export interface Viewport {
  x: number;
  y: number;
  scale: number;
}

/**
 * What the panel keeps with `setState`, so a reload (the panel hidden and shown again, or VS Code
 * restarted) comes back with the same DAG, viewport, collapsed groups and selection.
 */
export interface PersistedState {
  uri: string | null;
  dagId: string | null;
  direction: GraphDirection;
  lineage: LineageFilter;
  viewport: Viewport | null;
  selectedTaskId: string | null;
  search: string;
  /** Collapsed group ids per `uri#dagId`, most recently used last (a few files' worth are kept). */
  collapsed: Array<[string, string[]]>;
}

export const MAX_REMEMBERED_DAGS = 30;

export function initialState(): PersistedState {
  return { uri: null, dagId: null, direction: 'RIGHT', lineage: 'all', viewport: null, selectedTaskId: null, search: '', collapsed: [] };
}

/** Accepts whatever `getState()` returned (possibly from an older version of the panel) and repairs it. */
export function restoreState(raw: unknown): PersistedState {
  const state = initialState();
  if (typeof raw !== 'object' || raw === null) return state;
  const value = raw as Partial<PersistedState>;
  if (typeof value.uri === 'string') state.uri = value.uri;
  if (typeof value.dagId === 'string') state.dagId = value.dagId;
  if (value.direction === 'DOWN' || value.direction === 'RIGHT') state.direction = value.direction;
  if (value.lineage === 'upstream' || value.lineage === 'downstream' || value.lineage === 'both') state.lineage = value.lineage;
  const viewport = value.viewport;
  if (viewport && [viewport.x, viewport.y, viewport.scale].every(Number.isFinite) && viewport.scale > 0) state.viewport = { x: viewport.x, y: viewport.y, scale: viewport.scale };
  if (typeof value.selectedTaskId === 'string') state.selectedTaskId = value.selectedTaskId;
  if (typeof value.search === 'string') state.search = value.search.slice(0, 200);
  if (Array.isArray(value.collapsed)) {
    state.collapsed = value.collapsed
      .filter((entry): entry is [string, string[]] => Array.isArray(entry) && typeof entry[0] === 'string' && Array.isArray(entry[1]))
      .map(([key, ids]): [string, string[]] => [key, ids.filter((id) => typeof id === 'string')])
      .slice(-MAX_REMEMBERED_DAGS);
  }
  return state;
}

export function dagKey(uri: string, dagId: string | null): string {
  return `${uri}#${dagId ?? ''}`;
}

export function rememberedCollapsed(state: PersistedState, key: string): Set<string> | null {
  const entry = state.collapsed.find(([candidate]) => candidate === key);
  return entry ? new Set(entry[1]) : null;
}

export function rememberCollapsed(state: PersistedState, key: string, collapsed: ReadonlySet<string>): void {
  state.collapsed = state.collapsed.filter(([candidate]) => candidate !== key);
  state.collapsed.push([key, [...collapsed]]);
  if (state.collapsed.length > MAX_REMEMBERED_DAGS) state.collapsed.splice(0, state.collapsed.length - MAX_REMEMBERED_DAGS);
}
