import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { GraphDidChangeNotification, GraphRequest, type GraphDidChangeParams, type GraphRequestParams, type GraphSnapshot } from '../../../protocol/lsp';
import {
  DagDidSelect,
  ExportRequest,
  ExportSave,
  GraphDidChange,
  PanelSetLock,
  parseWebviewMessage,
  Ready,
  SelectionDidChange,
  TaskReveal,
  type ExportFormat,
  type HostMessage,
  type WebviewMessage,
} from '../../../protocol/webview';
import { createNonce, panelHtml } from './panelHtml';
import { codeLensTitle, findTask, taskAt } from './snapshotLookup';

/** Command ids, as contributed in package.json. */
export const GraphCommands = {
  openToSide: 'dagStudio.openGraphToSide',
  open: 'dagStudio.openGraph',
  exportSvg: 'dagStudio.graph.exportSvg',
  exportPng: 'dagStudio.graph.exportPng',
  toggleLock: 'dagStudio.graph.toggleLock',
} as const;

const VIEW_TYPE = 'dagStudio.graph';
/** Set on python editors whose file declares at least one DAG: shows the editor-title button. */
const IS_DAG_FILE_CONTEXT = 'dagStudio.isDagFile';
/** The server already debounces analysis; this only merges bursts of notifications into one request. */
const REFRESH_DELAY_MS = 60;

/** What the graph feature needs from the extension: its context, the running client, and restarts. */
export interface GraphPanelHost {
  readonly context: vscode.ExtensionContext;
  readonly client: LanguageClient | undefined;
  readonly onDidStartClient: vscode.Event<LanguageClient>;
}

/** Fetches graph snapshots from the language server; null while it is not running or on failure. */
class GraphSource {
  constructor(private readonly host: GraphPanelHost) {}

  async request(uri: vscode.Uri): Promise<GraphSnapshot | null> {
    const client = this.host.client;
    if (!client) return null;
    try {
      const params: GraphRequestParams = { uri: uri.toString() };
      return await client.sendRequest<GraphSnapshot>(GraphRequest, params);
    } catch {
      return null;
    }
  }
}

function isPython(document: vscode.TextDocument): boolean {
  return document.languageId === 'python';
}

/**
 * Registers the graph panel, its commands, the "Show graph" CodeLens and the editor-title button's
 * context key. The returned disposable undoes all of it.
 */
export function registerGraphPanel(host: GraphPanelHost): vscode.Disposable {
  const source = new GraphSource(host);
  const disposables: vscode.Disposable[] = [];
  const codeLenses = new DagCodeLensProvider(source);
  const contextKey = new DagFileContextKey(source);

  const open = async (column: vscode.ViewColumn, uriArgument?: unknown, dagId?: unknown): Promise<void> => {
    const uri = uriArgument instanceof vscode.Uri ? uriArgument : typeof uriArgument === 'string' ? vscode.Uri.parse(uriArgument) : vscode.window.activeTextEditor?.document.uri;
    if (!uri) {
      void vscode.window.showInformationMessage('Open a Python file with an Airflow DAG to see its graph.');
      return;
    }
    let chosenDag = typeof dagId === 'string' ? dagId : null;
    if (chosenDag === null && typeof dagId !== 'string') {
      const snapshot = await source.request(uri);
      if (snapshot && snapshot.dags.length > 1) {
        const picked = await vscode.window.showQuickPick(
          snapshot.dags.map((dag) => ({ label: dag.dagId ?? '(dynamic DAG id)', description: `${dag.tasks.length} tasks`, dagId: dag.dagId })),
          { placeHolder: 'This file defines several DAGs: which one?' },
        );
        if (!picked) return;
        chosenDag = picked.dagId;
      }
    }
    GraphPanel.show(host.context, source, uri, chosenDag, column);
  };

  disposables.push(
    vscode.commands.registerCommand(GraphCommands.openToSide, (uri?: unknown, dagId?: unknown) => open(vscode.ViewColumn.Beside, uri, dagId)),
    vscode.commands.registerCommand(GraphCommands.open, (uri?: unknown, dagId?: unknown) => open(vscode.ViewColumn.Active, uri, dagId)),
    vscode.commands.registerCommand(GraphCommands.exportSvg, () => GraphPanel.current?.post({ type: ExportRequest, format: 'svg' })),
    vscode.commands.registerCommand(GraphCommands.exportPng, () => GraphPanel.current?.post({ type: ExportRequest, format: 'png' })),
    vscode.commands.registerCommand(GraphCommands.toggleLock, () => GraphPanel.current?.toggleLock()),
    vscode.languages.registerCodeLensProvider({ language: 'python' }, codeLenses),
    vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown) => {
        const saved = state as { uri?: unknown; dagId?: unknown } | undefined;
        if (typeof saved?.uri !== 'string') {
          panel.dispose();
          return;
        }
        GraphPanel.revive(host.context, source, panel, vscode.Uri.parse(saved.uri), typeof saved.dagId === 'string' ? saved.dagId : null);
      },
    }),
    vscode.window.onDidChangeActiveTextEditor((editor) => {
      contextKey.update(editor);
      if (editor && isPython(editor.document)) void GraphPanel.current?.follow(editor.document.uri);
    }),
    vscode.window.onDidChangeTextEditorSelection((event) => GraphPanel.current?.cursorMoved(event.textEditor.document.uri, event.selections[0]?.active)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('dagstudio.graph.codeLens')) codeLenses.refresh();
    }),
    host.onDidStartClient((client) => {
      disposables.push(
        client.onNotification(GraphDidChangeNotification, (params: GraphDidChangeParams) => {
          GraphPanel.current?.documentChanged(params);
          codeLenses.refresh();
          if (params.uri === vscode.window.activeTextEditor?.document.uri.toString()) contextKey.update(vscode.window.activeTextEditor);
        }),
      );
      codeLenses.refresh();
      contextKey.update(vscode.window.activeTextEditor);
      void GraphPanel.current?.refresh();
    }),
    codeLenses,
    { dispose: () => GraphPanel.current?.dispose() },
  );
  if (host.client) {
    disposables.push(
      host.client.onNotification(GraphDidChangeNotification, (params: GraphDidChangeParams) => {
        GraphPanel.current?.documentChanged(params);
        codeLenses.refresh();
      }),
    );
  }
  contextKey.update(vscode.window.activeTextEditor);
  return vscode.Disposable.from(...disposables);
}

/** Keeps `dagStudio.isDagFile` in step with the active editor (latest request wins). */
class DagFileContextKey {
  private ticket = 0;

  constructor(private readonly source: GraphSource) {}

  update(editor: vscode.TextEditor | undefined): void {
    const ticket = ++this.ticket;
    if (!editor || !isPython(editor.document)) {
      void vscode.commands.executeCommand('setContext', IS_DAG_FILE_CONTEXT, false);
      return;
    }
    void this.source.request(editor.document.uri).then((snapshot) => {
      if (ticket !== this.ticket) return;
      void vscode.commands.executeCommand('setContext', IS_DAG_FILE_CONTEXT, (snapshot?.dags.length ?? 0) > 0);
    });
  }
}

/** "Show graph · 12 tasks" above each DAG definition. */
class DagCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly source: GraphSource) {}

  refresh(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => this.changed.fire(), 250);
  }

  async provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    if (!vscode.workspace.getConfiguration('dagstudio', document.uri).get<boolean>('graph.codeLens', true)) return [];
    const snapshot = await this.source.request(document.uri);
    if (!snapshot || token.isCancellationRequested) return [];
    return snapshot.dags.map((dag) => {
      const start = new vscode.Position(dag.range.start.line, dag.range.start.character);
      return new vscode.CodeLens(new vscode.Range(start, start), {
        title: codeLensTitle(dag),
        tooltip: `Open the task graph of ${dag.dagId ?? 'this DAG'} to the side`,
        command: GraphCommands.openToSide,
        arguments: [document.uri, dag.dagId],
      });
    });
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
    this.changed.dispose();
  }
}

/**
 * The one graph panel. It shows the graph of `uri` and follows the active editor unless locked; it
 * posts nothing before the webview's `ready`; every message from the webview is validated first.
 */
class GraphPanel implements vscode.Disposable {
  static current: GraphPanel | undefined;

  private ready = false;
  private snapshot: GraphSnapshot | null = null;
  private locked = false;
  private requestTicket = 0;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private lastSelectedTask: string | null = null;
  private pendingDagId: string | null;
  private readonly disposables: vscode.Disposable[] = [];

  static show(context: vscode.ExtensionContext, source: GraphSource, uri: vscode.Uri, dagId: string | null, column: vscode.ViewColumn): void {
    const existing = GraphPanel.current;
    if (existing) {
      existing.panel.reveal(column === vscode.ViewColumn.Beside ? undefined : column, true);
      existing.setDocument(uri, dagId);
      return;
    }
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE, 'DAG Graph', { viewColumn: column, preserveFocus: true }, GraphPanel.webviewOptions(context));
    GraphPanel.current = new GraphPanel(context, source, panel, uri, dagId);
  }

  static revive(context: vscode.ExtensionContext, source: GraphSource, panel: vscode.WebviewPanel, uri: vscode.Uri, dagId: string | null): void {
    GraphPanel.current?.dispose();
    panel.webview.options = GraphPanel.webviewOptions(context);
    GraphPanel.current = new GraphPanel(context, source, panel, uri, dagId);
  }

  private static webviewOptions(context: vscode.ExtensionContext): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      // Only the built webview bundle may be loaded; the panel keeps its state with setState instead
      // of staying alive while hidden.
      localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview')],
      retainContextWhenHidden: false,
      enableFindWidget: false,
    };
  }

  private constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly source: GraphSource,
    private readonly panel: vscode.WebviewPanel,
    private uri: vscode.Uri,
    dagId: string | null,
  ) {
    this.pendingDagId = dagId;
    const root = vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview');
    panel.webview.html = panelHtml({
      cspSource: panel.webview.cspSource,
      nonce: createNonce(),
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(root, 'main.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(root, 'main.css')).toString(),
    });
    this.updateTitle();
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      panel.onDidChangeViewState(() => {
        // A hidden panel loses its page; it sends `ready` again when shown.
        if (!panel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  post(message: HostMessage): void {
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  /** The active editor changed: show its graph, unless locked or it declares no DAG. */
  async follow(uri: vscode.Uri): Promise<void> {
    if (this.locked || uri.toString() === this.uri.toString()) return;
    const snapshot = await this.source.request(uri);
    if (!snapshot || snapshot.dags.length === 0 || this.locked) return;
    this.setDocument(uri, null, snapshot);
  }

  setDocument(uri: vscode.Uri, dagId: string | null, snapshot?: GraphSnapshot): void {
    const changed = uri.toString() !== this.uri.toString();
    this.uri = uri;
    this.pendingDagId = dagId;
    if (changed) {
      this.snapshot = null;
      this.lastSelectedTask = null;
    }
    this.updateTitle();
    if (snapshot) this.deliver(snapshot);
    else void this.refresh();
  }

  toggleLock(): void {
    this.locked = !this.locked;
    this.updateTitle();
    if (this.snapshot) this.deliver(this.snapshot);
  }

  /** The server re-analysed a document; refetch if it is ours. */
  documentChanged(params: GraphDidChangeParams): void {
    if (params.uri !== this.uri.toString()) return;
    if (this.snapshot && params.version < this.snapshot.version) return;
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refresh(), REFRESH_DELAY_MS);
  }

  /** Fetches the current graph and posts it; an answer overtaken by a newer request is dropped. */
  async refresh(): Promise<void> {
    const ticket = ++this.requestTicket;
    const uri = this.uri;
    const snapshot = await this.source.request(uri);
    if (!snapshot || ticket !== this.requestTicket || uri.toString() !== this.uri.toString()) return;
    this.deliver(snapshot);
  }

  private deliver(snapshot: GraphSnapshot): void {
    if (this.snapshot && snapshot.uri === this.snapshot.uri && snapshot.version < this.snapshot.version) return;
    this.snapshot = snapshot;
    const dagId = this.pendingDagId;
    this.pendingDagId = null;
    this.post({ type: GraphDidChange, snapshot, fileName: vscode.workspace.asRelativePath(this.uri, false), dagId, locked: this.locked });
    if (!this.ready) this.pendingDagId = dagId;
  }

  cursorMoved(uri: vscode.Uri, position: vscode.Position | undefined): void {
    if (!position || !this.snapshot || uri.toString() !== this.uri.toString()) return;
    const hit = taskAt(this.snapshot, { line: position.line, character: position.character });
    const taskId = hit?.task.taskId ?? null;
    if (taskId === this.lastSelectedTask) return;
    this.lastSelectedTask = taskId;
    this.post({ type: SelectionDidChange, taskId });
  }

  private receive(raw: unknown): void {
    const message: WebviewMessage | null = parseWebviewMessage(raw);
    if (!message) return;
    switch (message.type) {
      case Ready:
        this.ready = true;
        if (this.snapshot) this.deliver(this.snapshot);
        void this.refresh();
        break;
      case TaskReveal:
        void this.reveal(message.dagId, message.taskId, message.preserveFocus);
        break;
      case ExportSave:
        void this.save(message.format, message.data, message.suggestedName);
        break;
      case PanelSetLock:
        this.locked = message.locked;
        this.updateTitle();
        if (!this.locked && vscode.window.activeTextEditor && isPython(vscode.window.activeTextEditor.document)) void this.follow(vscode.window.activeTextEditor.document.uri);
        break;
      case DagDidSelect:
        break;
    }
  }

  /** Shows the task's code in the editor beside the panel (the one already showing the file, if any). */
  private async reveal(dagId: string | null, taskId: string, preserveFocus: boolean): Promise<void> {
    if (!this.snapshot) return;
    const task = findTask(this.snapshot, dagId, taskId);
    if (!task) return;
    const start = new vscode.Position(task.range.start.line, task.range.start.character);
    const range = new vscode.Range(start, start);
    const visible = vscode.window.visibleTextEditors.find((editor) => editor.document.uri.toString() === this.uri.toString());
    const column = visible?.viewColumn ?? (this.panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One);
    this.lastSelectedTask = taskId;
    const editor = await vscode.window.showTextDocument(this.uri, { viewColumn: column, preserveFocus, selection: range });
    editor.revealRange(new vscode.Range(start, new vscode.Position(task.range.end.line, task.range.end.character)), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  private async save(format: ExportFormat, data: string, suggestedName: string): Promise<void> {
    const folder = vscode.Uri.joinPath(this.uri, '..');
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(folder, suggestedName),
      filters: format === 'svg' ? { 'SVG image': ['svg'] } : { 'PNG image': ['png'] },
      saveLabel: 'Save Graph',
    });
    if (!target) return;
    const bytes = format === 'svg' ? Buffer.from(data, 'utf8') : Buffer.from(data, 'base64');
    await vscode.workspace.fs.writeFile(target, bytes);
    void vscode.window.showInformationMessage(`Saved the graph to ${vscode.workspace.asRelativePath(target)}.`);
  }

  private updateTitle(): void {
    const name = this.uri.path.split('/').pop() ?? 'DAG';
    this.panel.title = `${this.locked ? '[Locked] ' : ''}Graph: ${name}`;
  }

  dispose(): void {
    if (GraphPanel.current === this) GraphPanel.current = undefined;
    clearTimeout(this.refreshTimer);
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
    this.panel.dispose();
  }
}
