import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CodeActionKind,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
  type WorkDoneProgressServerReporter,
} from 'vscode-languageserver';
import { Parser, type Language } from 'web-tree-sitter';
import packageJson from '../../../package.json';
import {
  GraphDidChangeNotification,
  GraphRequest,
  IndexStatusNotification,
  type GraphDidChangeParams,
  type GraphRequestParams,
  type GraphSnapshot,
  type IndexStatusParams,
} from '../../../protocol/lsp';
import { analyze } from '../analyzer/analyze';
import type { FileModel } from '../analyzer/model';
import { loadPython } from '../analyzer/parser';
import { toAnalysisConfig, type DagStudioSettings } from '../config/index';
import { toGraphSnapshot } from '../graph/snapshot';
import type { Finding } from '../rules/rule';
import { forgetTemplates } from '../templates/analysis';
import { templateFileExtensions } from '../templates/templateFields';
import { codeActionsFor } from './codeActions';
import { ConfigurationStore, filePathOf, SETTINGS_SECTION } from './configuration';
import { DagIdIndex, indexedDags } from './dagIdIndex';
import { toDiagnostics } from './diagnostics';
import { hoverAt } from './hover';
import { ParsedDocument } from './parsedDocument';
import { collectFindings } from './pipeline';
import { isSkippedDirectory, VIRTUAL_ENVIRONMENT_MARKER } from './pythonFiles';
import { documentSymbols } from './symbols';
import { diskFileAccess, registerTemplateFeatures, templateCapabilities, templateHoverAt, type TemplateDocumentInput } from './templateFeatures';
import { WorkspaceIndexer, type IndexProgress } from './workspaceIndexer';

/** The last analysis of an open document. */
interface Analysis {
  version: number;
  model: FileModel;
  findings: Finding[];
  /** The graph of this version, built on the first `dagStudio/graph` request. */
  snapshot?: GraphSnapshot;
}

interface OpenDocument {
  uri: string;
  /** The file path behind a `file:` URI; null for untitled buffers. */
  file: string | null;
  parsed: ParsedDocument;
  settings: DagStudioSettings | null;
  analysis: Analysis | null;
  /** The scheduled analysis (see `schedule`). */
  timer: NodeJS.Immediate | null;
  /** True while the last published diagnostics were non-empty (so a clean file clears them once). */
  hasDiagnostics: boolean;
}

/** Extensions of the template files operators load (`sql="load.sql"`), watched so their findings follow the files. */
const TEMPLATE_FILE_EXTENSIONS = templateFileExtensions();

function isTemplateFile(file: string): boolean {
  return TEMPLATE_FILE_EXTENSIONS.some((extension) => file.endsWith(`.${extension}`));
}

/**
 * The Airflow DAG Studio language server: wires LSP requests to the pure analyzer, rules and graph.
 * Every handler is guarded so that one bad document or one failing rule is logged and never takes the
 * server down.
 */
export class DagStudioServer {
  private language: Language | null = null;
  private readonly documents = new Map<string, OpenDocument>();
  private readonly openFiles = new Map<string, string>();
  private readonly configuration: ConfigurationStore;
  private readonly dagIndex = new DagIdIndex();
  private indexer: WorkspaceIndexer | null = null;
  private workspaceFolders: string[] = [];
  private supportsConfigurationPull = false;
  private supportsWorkDoneProgress = false;
  private supportsWatchedFilesRegistration = false;
  private supportsWorkspaceFolders = false;
  private pushedSettings: unknown = undefined;
  private progress: Promise<WorkDoneProgressServerReporter | null> | null = null;

  constructor(private readonly connection: Connection) {
    this.configuration = new ConfigurationStore({
      editorSettings: async (uri) => {
        if (!this.supportsConfigurationPull) return this.pushedSettings;
        const [settings] = await this.connection.workspace.getConfiguration([{ scopeUri: uri, section: SETTINGS_SECTION }]);
        return settings;
      },
      reportProblems: (problems) => {
        for (const problem of problems) this.connection.console.warn(`Configuration: ${problem.message}`);
        void this.connection.window.showWarningMessage(`Airflow DAG Studio settings: ${problems[0]!.message}${problems.length > 1 ? ` (and ${problems.length - 1} more; see the output)` : ''}`);
      },
    });
  }

  /** Registers every handler on the connection and starts listening. */
  listen(): void {
    const { connection } = this;
    connection.onInitialize((params) => this.initialize(params));
    connection.onInitialized(() => this.guard('initialized', () => this.initialized()));
    connection.onDidOpenTextDocument((params) => this.guard('didOpen', () => {
      const { uri, text, version } = params.textDocument;
      this.open(uri, text, version);
    }));
    connection.onDidChangeTextDocument((params) => this.guard('didChange', () => {
      const document = this.documents.get(params.textDocument.uri);
      if (!document) return;
      document.parsed.applyChanges(params.contentChanges, params.textDocument.version);
      this.schedule(document);
    }));
    connection.onDidCloseTextDocument((params) => this.guard('didClose', () => this.close(params.textDocument.uri)));
    connection.onDidChangeConfiguration((params) => this.guard('didChangeConfiguration', () => {
      const settings = (params.settings as Record<string, unknown> | null | undefined)?.[SETTINGS_SECTION];
      if (settings !== undefined) this.pushedSettings = settings;
      this.reloadConfiguration();
    }));
    connection.onDidChangeWatchedFiles((params) => this.guard('didChangeWatchedFiles', () => {
      let configurationChanged = false;
      let templateFilesChanged = false;
      const changed: string[] = [];
      for (const change of params.changes) {
        const file = filePathOf(change.uri);
        if (!file) continue;
        if (path.basename(file) === 'pyproject.toml') {
          configurationChanged = true;
        } else if (isTemplateFile(file)) {
          templateFilesChanged = true;
        } else if (change.type === FileChangeType.Deleted) {
          if (!this.openFiles.has(file)) this.indexer?.remove(file);
        } else if (file.endsWith('.py') && this.isIndexable(file)) {
          changed.push(file);
        }
      }
      if (changed.length > 0) this.indexer?.enqueue(changed);
      if (configurationChanged) this.reloadConfiguration();
      else if (templateFilesChanged) this.recheckDocumentsOnDisk();
    }));
    connection.onHover((params) => this.guard('hover', () => {
      const template = this.templateInput(params.textDocument.uri);
      const templateHover = template && templateHoverAt(template, params.position);
      if (templateHover) return templateHover;
      const analysis = this.currentAnalysis(params.textDocument.uri);
      return analysis ? hoverAt(analysis.model, params.position) : null;
    }, null));
    connection.onDocumentSymbol((params) => this.guard('documentSymbol', () => {
      const analysis = this.currentAnalysis(params.textDocument.uri);
      return analysis ? documentSymbols(analysis.model) : [];
    }, []));
    connection.onCodeAction((params) => this.guard('codeAction', () => {
      const document = this.documents.get(params.textDocument.uri);
      const analysis = this.currentAnalysis(params.textDocument.uri);
      if (!document || !analysis) return [];
      return codeActionsFor({
        uri: document.uri,
        version: document.parsed.version,
        text: document.parsed.text,
        comments: analysis.model.comments,
        diagnostics: params.context.diagnostics,
        only: params.context.only,
      });
    }, []));
    connection.onRequest(GraphRequest, (params: GraphRequestParams) => this.guard('graph', () => this.graph(params.uri), emptySnapshot(params?.uri ?? '', 0)));
    registerTemplateFeatures(connection, (uri) => this.templateInput(uri), (what, handler, fallback) => this.guard(what, handler, fallback));
    connection.onShutdown(() => this.dispose());
    connection.listen();
  }

  private async initialize(params: InitializeParams): Promise<InitializeResult> {
    this.language = await loadPython();
    const capabilities = params.capabilities;
    this.supportsConfigurationPull = capabilities.workspace?.configuration === true;
    this.supportsWorkDoneProgress = capabilities.window?.workDoneProgress === true;
    this.supportsWatchedFilesRegistration = capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    this.supportsWorkspaceFolders = capabilities.workspace?.workspaceFolders === true;
    const settings = (params.initializationOptions as { settings?: unknown } | undefined)?.settings;
    if (settings !== undefined) this.pushedSettings = settings;
    const folderUris = params.workspaceFolders?.map((folder) => folder.uri) ?? (params.rootUri ? [params.rootUri] : []);
    this.workspaceFolders = folderUris.map(filePathOf).filter((folder): folder is string => folder !== null);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        ...templateCapabilities,
        documentSymbolProvider: { label: 'Airflow DAGs' },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'Airflow DAG Studio', version: packageJson.version },
    };
  }

  private initialized(): void {
    // The folder-change event only exists once the client said it sends it (the getter throws otherwise).
    if (this.supportsWorkspaceFolders) {
      this.connection.workspace.onDidChangeWorkspaceFolders((event) => this.guard('didChangeWorkspaceFolders', () => {
        for (const removed of event.removed) {
          const folder = filePathOf(removed.uri);
          if (!folder) continue;
          this.workspaceFolders = this.workspaceFolders.filter((existing) => existing !== folder);
          this.indexer?.remove(folder);
        }
        const added = event.added.map((folder) => filePathOf(folder.uri)).filter((folder): folder is string => folder !== null);
        this.workspaceFolders.push(...added);
        if (added.length > 0) void this.indexer?.indexFolders(added);
      }));
    }
    if (this.supportsWatchedFilesRegistration) {
      void this.connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: '**/*.py' }, { globPattern: '**/pyproject.toml' }, { globPattern: `**/*.{${TEMPLATE_FILE_EXTENSIONS.join(',')}}` }],
      });
    }
    this.indexer = new WorkspaceIndexer(this.dagIndex, this.newParser(), {
      isOpen: (file) => this.openFiles.has(file),
      onDagIdsChanged: (ids) => this.recheckDocumentsDefining(ids, null),
      onProgress: (progress) => this.reportIndexProgress(progress),
      log: (message) => this.connection.console.log(message),
    });
    void this.indexer.indexFolders(this.workspaceFolders).catch((error) => this.logError('workspace index', error));
  }

  /**
   * True for a file the workspace index covers: inside a workspace folder and not under a folder the
   * crawl skips (a virtual environment inside the workspace holds Airflow's own example DAGs).
   */
  private isIndexable(file: string): boolean {
    return this.workspaceFolders.some((folder) => {
      const relative = path.relative(folder, file);
      if (relative.startsWith('..') || path.isAbsolute(relative)) return false;
      const folders = relative.split(path.sep).slice(0, -1);
      if (folders.some(isSkippedDirectory)) return false;
      // A virtual environment under any name announces itself with pyvenv.cfg.
      return folders.every((_, depth) => !fs.existsSync(path.join(folder, ...folders.slice(0, depth + 1), VIRTUAL_ENVIRONMENT_MARKER)));
    });
  }

  private newParser(): Parser {
    const parser = new Parser();
    parser.setLanguage(this.language);
    return parser;
  }

  private open(uri: string, text: string, version: number): void {
    this.close(uri);
    const file = filePathOf(uri);
    const document: OpenDocument = {
      uri,
      file,
      parsed: new ParsedDocument(uri, this.newParser(), text, version),
      settings: null,
      analysis: null,
      timer: null,
      hasDiagnostics: false,
    };
    this.documents.set(uri, document);
    if (file) this.openFiles.set(file, uri);
    void this.configuration.settingsFor(uri).then((settings) => {
      if (this.documents.get(uri) !== document) return;
      document.settings = settings;
      this.analyzeNow(document);
    }, (error) => this.logError(`settings for ${uri}`, error));
  }

  private close(uri: string): void {
    const document = this.documents.get(uri);
    if (!document) return;
    if (document.timer) clearImmediate(document.timer);
    document.parsed.dispose();
    this.documents.delete(uri);
    this.configuration.forget(uri);
    if (document.hasDiagnostics) void this.connection.sendDiagnostics({ uri, diagnostics: [] });
    if (document.file) {
      this.openFiles.delete(document.file);
      // The saved file, not the closed buffer, is what Airflow will see: index it from disk again.
      this.indexer?.enqueue([document.file]);
    }
  }

  /**
   * Analyses the document two event-loop turns from now. Paste, multi-cursor edits and undo arrive as one
   * change message; messages already received (fast typing, or keystrokes that arrived while an analysis
   * ran) are handed over one per turn, each in the turn after the one before it, so every such change
   * reschedules the analysis before it runs and they all fold into one. Waiting on a timer would only add
   * to every keystroke's latency.
   */
  private schedule(document: OpenDocument): void {
    if (document.timer) clearImmediate(document.timer);
    if (!document.settings) return;
    document.timer = setImmediate(() => {
      document.timer = setImmediate(() => {
        document.timer = null;
        this.guard('analysis', () => this.analyzeNow(document));
      });
    });
  }

  /** The analysis of the document's current text, running a pending one now (requests never see stale models). */
  private currentAnalysis(uri: string): Analysis | null {
    const document = this.documents.get(uri);
    if (!document) return null;
    if (document.settings && (document.timer || document.analysis?.version !== document.parsed.version)) {
      if (document.timer) clearImmediate(document.timer);
      document.timer = null;
      this.analyzeNow(document);
    }
    return document.analysis;
  }

  /** Parses (incrementally), analyses, checks and publishes one document. */
  private analyzeNow(document: OpenDocument): void {
    if (!document.settings || this.documents.get(document.uri) !== document) return;
    const { parsed } = document;
    const version = parsed.version;
    const text = parsed.text;
    // The old model goes first: a garbage collection during the analysis then need not keep it (nothing
    // reads this document's analysis until the new one is in place).
    document.analysis = null;
    let model: FileModel | null = null;
    // A file that never mentions airflow cannot import it: skip parsing altogether.
    if (text.includes('airflow')) {
      model = analyze(parsed.tree(), text);
      if (!model.importsAirflow) model = null;
    }
    if (!model) {
      parsed.dropTree();
      document.analysis = null;
      if (document.hasDiagnostics) void this.connection.sendDiagnostics({ uri: document.uri, version, diagnostics: [] });
      document.hasDiagnostics = false;
      if (document.file) this.notifyDagIdsChanged(this.dagIndex.remove(document.file), document.uri);
      this.sendGraphDidChange(document.uri, version);
      return;
    }
    const findings = this.findingsFor(document, model, text);
    document.analysis = { version, model, findings };
    this.publish(document);
    if (document.file) this.notifyDagIdsChanged(this.dagIndex.set(document.file, indexedDags(model)), document.uri);
    this.sendGraphDidChange(document.uri, version);
  }

  /** The current analysis of a document as the template features (completion, hover, links) take it. */
  private templateInput(uri: string): TemplateDocumentInput | null {
    const document = this.documents.get(uri);
    const analysis = this.currentAnalysis(uri);
    if (!document?.settings || !analysis) return null;
    const { airflowVersion } = toAnalysisConfig(document.settings, analysis.model);
    return { model: analysis.model, text: document.parsed.text, airflowVersion, filePath: document.file };
  }

  private findingsFor(document: OpenDocument, model: FileModel, text: string): Finding[] {
    const config = toAnalysisConfig(document.settings!, model);
    return collectFindings(model, text, config, {
      ...(document.file ? { files: diskFileAccess(document.file) } : {}),
      workspace: this.dagIndex.viewFor(document.file ?? document.uri),
      onRuleError: (ruleId, error) => this.logError(`rule ${ruleId} on ${document.uri}`, error),
    });
  }

  private publish(document: OpenDocument): void {
    const analysis = document.analysis;
    if (!analysis) return;
    const diagnostics = toDiagnostics(analysis.findings, document.uri, analysis.version);
    document.hasDiagnostics = diagnostics.length > 0;
    void this.connection.sendDiagnostics({ uri: document.uri, version: analysis.version, diagnostics });
  }

  private notifyDagIdsChanged(ids: ReadonlySet<string>, changedUri: string): void {
    if (ids.size > 0) this.recheckDocumentsDefining(ids, changedUri);
  }

  /** Re-runs the rules (not the analysis) of open documents defining one of `ids`, whose workspace facts changed. */
  private recheckDocumentsDefining(ids: ReadonlySet<string>, exceptUri: string | null): void {
    for (const document of this.documents.values()) {
      if (document.uri === exceptUri || !document.analysis || !document.settings) continue;
      if (!document.analysis.model.dags.some((dag) => dag.dagId !== null && ids.has(dag.dagId))) continue;
      // An edit is pending: its analysis will see the new workspace facts anyway.
      if (document.analysis.version !== document.parsed.version) continue;
      this.recheck(document);
    }
  }

  /** Runs the rules again on a document's current model and publishes what they find. */
  private recheck(document: OpenDocument): void {
    this.guard('recheck', () => {
      const analysis = document.analysis!;
      analysis.findings = this.findingsFor(document, analysis.model, document.parsed.text);
      delete analysis.snapshot;
      this.publish(document);
      this.sendGraphDidChange(document.uri, analysis.version);
    });
  }

  /**
   * Re-runs the rules of the open documents saved on disk after template files beside them were
   * created, changed or deleted: what the template rules found in those files may be out of date.
   */
  private recheckDocumentsOnDisk(): void {
    for (const document of this.documents.values()) {
      if (!document.file || !document.analysis || !document.settings) continue;
      if (document.analysis.version !== document.parsed.version) continue;
      // The template analysis is kept per model: drop it so the files are looked up again.
      forgetTemplates(document.analysis.model);
      this.recheck(document);
    }
  }

  private sendGraphDidChange(uri: string, version: number): void {
    const params: GraphDidChangeParams = { uri, version };
    void this.connection.sendNotification(GraphDidChangeNotification, params);
  }

  private graph(uri: string): GraphSnapshot {
    const document = this.documents.get(uri);
    const analysis = this.currentAnalysis(uri);
    if (!document || !analysis) return emptySnapshot(uri, document?.parsed.version ?? 0);
    // The panel may ask several times per version (reloads, several views): build it once.
    analysis.snapshot ??= toGraphSnapshot(analysis.model, analysis.findings, uri, analysis.version);
    return analysis.snapshot;
  }

  private reloadConfiguration(): void {
    this.configuration.invalidate();
    for (const document of this.documents.values()) {
      void this.configuration.settingsFor(document.uri).then((settings) => {
        if (this.documents.get(document.uri) !== document) return;
        document.settings = settings;
        this.guard('reanalysis', () => this.analyzeNow(document));
      }, (error) => this.logError(`settings for ${document.uri}`, error));
    }
  }

  private reportIndexProgress(progress: IndexProgress): void {
    const status: IndexStatusParams = { ...progress, dagFiles: this.dagIndex.fileCount, dags: this.dagIndex.dagCount };
    void this.connection.sendNotification(IndexStatusNotification, status);
    if (!this.supportsWorkDoneProgress) return;
    const message = `${progress.filesDone}/${progress.filesTotal} files`;
    const percentage = progress.filesTotal > 0 ? Math.floor((100 * progress.filesDone) / progress.filesTotal) : 0;
    if (progress.indexing && !this.progress) {
      this.progress = this.connection.window.createWorkDoneProgress().then((reporter) => {
        reporter.begin('Indexing Airflow DAGs', percentage, message, false);
        return reporter;
      }, () => null);
    } else if (progress.indexing) {
      void this.progress?.then((reporter) => reporter?.report(percentage, message));
    } else if (this.progress) {
      const finished = this.progress;
      this.progress = null;
      void finished.then((reporter) => reporter?.done());
    }
  }

  /** Runs a handler; an exception is logged and answered with `fallback` instead of crashing the server. */
  private guard<T>(what: string, handler: () => T, fallback?: T): T {
    try {
      return handler();
    } catch (error) {
      this.logError(what, error);
      return fallback as T;
    }
  }

  private logError(what: string, error: unknown): void {
    const detail = error instanceof Error ? error.stack ?? error.message : String(error);
    this.connection.console.error(`${what} failed: ${detail}`);
  }

  private dispose(): void {
    this.indexer?.dispose();
    for (const uri of [...this.documents.keys()]) this.close(uri);
  }
}

function emptySnapshot(uri: string, version: number): GraphSnapshot {
  return { uri, version, parseOk: true, dags: [] };
}
