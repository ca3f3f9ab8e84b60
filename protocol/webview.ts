/**
 * Messages between the extension host and the graph panel webview.
 *
 * Imported by both sides, so names and payloads cannot drift apart. Names are `scope/verb`. The webview
 * posts `ready` once its listeners are installed; the host posts nothing before that. Everything that
 * arrives from the webview is untrusted: the host runs it through {@link parseWebviewMessage} and ignores
 * what does not validate, and the webview does the same with {@link parseHostMessage}.
 */
import type { GraphSnapshot } from './lsp';

/** Layout direction: `RIGHT` is left → right, `DOWN` is top → bottom (ELK's names). */
export type { GraphDirection } from '../server/src/graph/layout';
/** Which tasks the lineage filter keeps around the selection. */
export type { LineageFilter } from '../server/src/graph/view';

export type ExportFormat = 'svg' | 'png';

// ---------------------------------------------------------------------------------------------
// Host → webview

/** A new graph for the panel. `dagId` asks the panel to show that DAG (null keeps the current choice). */
export const GraphDidChange = 'graph/didChange';
export interface GraphDidChangeMessage {
  type: typeof GraphDidChange;
  snapshot: GraphSnapshot;
  /** File name shown in the toolbar. */
  fileName: string;
  /** Show this DAG (from a CodeLens or the DAG picker); null keeps the panel's own choice. */
  dagId: string | null;
  /** Whether the panel is locked to this file rather than following the active editor. */
  locked: boolean;
}

/** The editor's cursor moved onto a task (or off every task: null). */
export const SelectionDidChange = 'selection/didChange';
export interface SelectionDidChangeMessage {
  type: typeof SelectionDidChange;
  taskId: string | null;
}

/** The host asks the panel for a picture of the current graph (answered by `export/save`). */
export const ExportRequest = 'export/request';
export interface ExportRequestMessage {
  type: typeof ExportRequest;
  format: ExportFormat;
}

export type HostMessage = GraphDidChangeMessage | SelectionDidChangeMessage | ExportRequestMessage;

// ---------------------------------------------------------------------------------------------
// Webview → host

/** The webview is listening; the host may now post. */
export const Ready = 'ready';
export interface ReadyMessage {
  type: typeof Ready;
}

/** Reveal this task in the editor (the host looks its range up in its own snapshot). */
export const TaskReveal = 'task/reveal';
export interface TaskRevealMessage {
  type: typeof TaskReveal;
  taskId: string;
  /** Which DAG the task belongs to (task ids are only unique within a DAG). */
  dagId: string | null;
  /** Keep focus in the panel (selection by keyboard) rather than moving it to the editor. */
  preserveFocus: boolean;
}

/** Save a picture of the graph. `data` is SVG text, or a PNG as base64 (no data-URL prefix). */
export const ExportSave = 'export/save';
export interface ExportSaveMessage {
  type: typeof ExportSave;
  format: ExportFormat;
  data: string;
  suggestedName: string;
}

/** Lock the panel to its file, or let it follow the active editor again. */
export const PanelSetLock = 'panel/setLock';
export interface PanelSetLockMessage {
  type: typeof PanelSetLock;
  locked: boolean;
}

/** The DAG shown in the panel changed (the host remembers it for follow-up updates). */
export const DagDidSelect = 'dag/didSelect';
export interface DagDidSelectMessage {
  type: typeof DagDidSelect;
  dagId: string | null;
}

export type WebviewMessage = ReadyMessage | TaskRevealMessage | ExportSaveMessage | PanelSetLockMessage | DagDidSelectMessage;

// ---------------------------------------------------------------------------------------------
// Validation

/** Longest task or DAG id accepted from the webview; Airflow itself caps ids at 250 characters. */
const MAX_ID_LENGTH = 1000;
/** Largest exported picture accepted from the webview (characters of SVG text or base64). */
export const MAX_EXPORT_LENGTH = 64 * 1024 * 1024;

type Fields = Record<string, unknown>;

function isRecord(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ID_LENGTH;
}

function isNullableId(value: unknown): value is string | null {
  return value === null || isId(value);
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** File names the webview may suggest: no path separators, no control characters. */
const SAFE_FILE_NAME = /^[^\\/:*?"<>|\u0000-\u001f]{1,200}$/;

/**
 * Checks a message that came from the webview and returns it typed, or null when it is malformed
 * (unknown type, missing or oversized fields, a PNG that is not base64, an SVG without `<svg`).
 */
export function parseWebviewMessage(raw: unknown): WebviewMessage | null {
  if (!isRecord(raw)) return null;
  switch (raw.type) {
    case Ready:
      return { type: Ready };
    case TaskReveal:
      if (!isId(raw.taskId) || !isNullableId(raw.dagId ?? null)) return null;
      return { type: TaskReveal, taskId: raw.taskId, dagId: (raw.dagId as string | null | undefined) ?? null, preserveFocus: raw.preserveFocus === true };
    case ExportSave: {
      const { format, data, suggestedName } = raw;
      if (format !== 'svg' && format !== 'png') return null;
      if (typeof data !== 'string' || data.length === 0 || data.length > MAX_EXPORT_LENGTH) return null;
      if (format === 'png' && !BASE64.test(data)) return null;
      if (format === 'svg' && !data.trimStart().startsWith('<svg')) return null;
      if (typeof suggestedName !== 'string' || !SAFE_FILE_NAME.test(suggestedName)) return null;
      return { type: ExportSave, format, data, suggestedName };
    }
    case PanelSetLock:
      if (typeof raw.locked !== 'boolean') return null;
      return { type: PanelSetLock, locked: raw.locked };
    case DagDidSelect:
      if (!isNullableId(raw.dagId)) return null;
      return { type: DagDidSelect, dagId: raw.dagId };
    default:
      return null;
  }
}

/**
 * Checks a message that came from the host. The host is trusted, but the panel also receives messages
 * from its own page (and the test host), so the shape is checked before anything is read from it.
 */
export function parseHostMessage(raw: unknown): HostMessage | null {
  if (!isRecord(raw)) return null;
  switch (raw.type) {
    case GraphDidChange: {
      const snapshot = raw.snapshot;
      if (!isRecord(snapshot) || !Array.isArray(snapshot.dags) || typeof snapshot.uri !== 'string' || typeof snapshot.version !== 'number') return null;
      return {
        type: GraphDidChange,
        snapshot: snapshot as unknown as GraphSnapshot,
        fileName: typeof raw.fileName === 'string' ? raw.fileName : '',
        dagId: isNullableId(raw.dagId) ? raw.dagId : null,
        locked: raw.locked === true,
      };
    }
    case SelectionDidChange:
      if (!isNullableId(raw.taskId)) return null;
      return { type: SelectionDidChange, taskId: raw.taskId };
    case ExportRequest:
      if (raw.format !== 'svg' && raw.format !== 'png') return null;
      return { type: ExportRequest, format: raw.format };
    default:
      return null;
  }
}
