import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { IndexStatusNotification, type IndexStatusParams } from '../../protocol/lsp';
import { createLanguageClient, PYTHON_DOCUMENTS } from './languageClient';
import { registerGraphPanel } from './graph/graphPanel';

/** Command ids, as contributed in package.json. */
export const Commands = {
  restartServer: 'dagStudio.restartServer',
  showOutput: 'dagStudio.showOutput',
} as const;

/**
 * Owns everything the extension creates: the language client, the output channel, the language
 * status item and every disposable. `activate()` only builds one of these; features that need the
 * server (the graph panel) get the running client from `client` and hear about restarts through
 * `onDidStartClient`.
 */
export class DagStudioExtension implements vscode.Disposable {
  readonly outputChannel: vscode.LogOutputChannel;
  private readonly indexStatus: vscode.LanguageStatusItem;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly clientDisposables: vscode.Disposable[] = [];
  private readonly didStartClient = new vscode.EventEmitter<LanguageClient>();
  private languageClient: LanguageClient | undefined;

  /** Fires each time a (re)started language client is ready. */
  readonly onDidStartClient = this.didStartClient.event;

  constructor(readonly context: vscode.ExtensionContext) {
    this.outputChannel = vscode.window.createOutputChannel('Airflow DAG Studio', { log: true });
    this.indexStatus = vscode.languages.createLanguageStatusItem('dagstudio.index', PYTHON_DOCUMENTS);
    this.indexStatus.name = 'Airflow DAG Studio';
    this.indexStatus.text = 'Airflow DAGs';
    this.indexStatus.command = { title: 'Show Output', command: Commands.showOutput };
    this.disposables.push(
      this.outputChannel,
      this.indexStatus,
      this.didStartClient,
      vscode.commands.registerCommand(Commands.restartServer, () => this.restart()),
      vscode.commands.registerCommand(Commands.showOutput, () => this.outputChannel.show(true)),
    );
    // The graph panel (client/src/graph/): commands, CodeLens, editor-title button, webview.
    this.disposables.push(registerGraphPanel(this));
  }

  /** The running language client, if the server is up. */
  get client(): LanguageClient | undefined {
    return this.languageClient?.state === State.Running ? this.languageClient : undefined;
  }

  async start(): Promise<void> {
    const client = createLanguageClient(this.context, this.outputChannel);
    this.languageClient = client;
    this.clientDisposables.push(
      client.onNotification(IndexStatusNotification, (status: IndexStatusParams) => this.showIndexStatus(status)),
      client.onDidChangeState((event) => {
        if (event.newState === State.Stopped) this.showServerStopped();
      }),
    );
    this.indexStatus.severity = vscode.LanguageStatusSeverity.Information;
    this.indexStatus.busy = true;
    this.indexStatus.detail = 'Starting the language server';
    try {
      await client.start();
    } catch (error) {
      this.outputChannel.error(`The language server failed to start: ${error instanceof Error ? error.message : String(error)}`);
      this.showServerStopped();
      return;
    }
    this.indexStatus.busy = false;
    this.indexStatus.detail = undefined;
    this.didStartClient.fire(client);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async stop(): Promise<void> {
    const client = this.languageClient;
    this.languageClient = undefined;
    for (const disposable of this.clientDisposables.splice(0)) disposable.dispose();
    if (client && client.state !== State.Stopped) {
      try {
        await client.stop();
      } catch (error) {
        this.outputChannel.warn(`Stopping the language server: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  private showIndexStatus(status: IndexStatusParams): void {
    this.indexStatus.severity = vscode.LanguageStatusSeverity.Information;
    this.indexStatus.command = { title: 'Show Output', command: Commands.showOutput };
    if (status.indexing) {
      this.indexStatus.busy = true;
      this.indexStatus.text = `Indexing DAGs ${status.filesDone}/${status.filesTotal}`;
      this.indexStatus.detail = 'Reading the workspace for DAG ids';
    } else {
      this.indexStatus.busy = false;
      this.indexStatus.text = `${status.dags} DAG${status.dags === 1 ? '' : 's'} indexed`;
      this.indexStatus.detail = `in ${status.dagFiles} file${status.dagFiles === 1 ? '' : 's'}`;
    }
  }

  private showServerStopped(): void {
    this.indexStatus.busy = false;
    this.indexStatus.severity = vscode.LanguageStatusSeverity.Error;
    this.indexStatus.text = 'Airflow DAG Studio stopped';
    this.indexStatus.detail = undefined;
    this.indexStatus.command = { title: 'Restart', command: Commands.restartServer };
  }

  dispose(): void {
    void this.stop();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}
