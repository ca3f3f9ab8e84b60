/**
 * Custom messages between the language server and the extension client, beyond standard LSP.
 * Imported by both sides so names and payloads cannot drift apart.
 */
import type { DynamicNote, EdgeKind, GroupModel, Range, TaskKind } from '../server/src/analyzer/model';

/** Client → server request: the task graph of one open document. */
export const GraphRequest = 'dagStudio/graph';
export interface GraphRequestParams {
  uri: string;
}

/** Server → client notification: the graph of a document changed (the client then asks for it). */
export const GraphDidChangeNotification = 'dagStudio/graphDidChange';
export interface GraphDidChangeParams {
  uri: string;
  version: number;
}

export type DiagnosticSeverityName = 'error' | 'warning' | 'information' | 'hint';

export interface GraphTaskDiagnostic {
  ruleId: string;
  severity: DiagnosticSeverityName;
  message: string;
}

/** Effective settings of a task after `default_args`, as display strings (null when unset). */
export interface GraphTaskDetails {
  retries: string | null;
  retryDelay: string | null;
  executionTimeout: string | null;
  triggerRule: string | null;
  pool: string | null;
}

export interface GraphTask {
  taskId: string;
  operator: string;
  kind: TaskKind;
  mapped: boolean;
  role: 'setup' | 'teardown' | null;
  group: string | null;
  range: Range;
  details: GraphTaskDetails;
  diagnostics: GraphTaskDiagnostic[];
}

export interface GraphEdge {
  from: string;
  to: string;
  label: string | null;
  kind: EdgeKind;
  /** True when the edge lies on a dependency cycle. */
  inCycle: boolean;
}

/** A TaskGroup as the panel draws it (its `default_args` reach the panel through the task details). */
export type GraphGroup = Omit<GroupModel, 'defaultArgs'>;

export interface GraphDag {
  dagId: string | null;
  range: Range;
  tasks: GraphTask[];
  edges: GraphEdge[];
  groups: GraphGroup[];
  dynamic: DynamicNote[];
}

/** The graph of one document at one version. */
export interface GraphSnapshot {
  uri: string;
  version: number;
  /** False while the document has syntax errors that break the model: the panel keeps the last good graph. */
  parseOk: boolean;
  dags: GraphDag[];
}

/** Server → client notification: progress of the workspace DAG index (drives the language status item). */
export const IndexStatusNotification = 'dagStudio/indexStatus';
export interface IndexStatusParams {
  /** True while files are being read and analysed in the background. */
  indexing: boolean;
  filesDone: number;
  filesTotal: number;
  /** Files that define at least one DAG with a static id, and those DAGs, once indexed. */
  dagFiles: number;
  dags: number;
}
