import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { SERVER_NODE_OPTIONS } from '../../protocol/serverProcess';

/** The settings section the server reads (`dagstudio.airflowVersion`, `dagstudio.rules.<id>`…). */
export const SETTINGS_SECTION = 'dagstudio';

/** Python files on disk and unsaved Python buffers: the documents the server analyses. */
export const PYTHON_DOCUMENTS: { scheme: string; language: string }[] = [
  { scheme: 'file', language: 'python' },
  { scheme: 'untitled', language: 'python' },
];

/**
 * Creates (not starts) the client for the bundled server, `dist/server/server.js`, run in a separate
 * Node process (with {@link SERVER_NODE_OPTIONS}) talking LSP over IPC. The server watches `*.py` and
 * `pyproject.toml` itself (dynamic registration) and pulls settings per document; `synchronize` still
 * pushes the section so that it hears about every settings change.
 */
export function createLanguageClient(context: vscode.ExtensionContext, outputChannel: vscode.OutputChannel): LanguageClient {
  const module = context.asAbsolutePath('dist/server/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_OPTIONS] } },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_OPTIONS, '--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: PYTHON_DOCUMENTS,
    synchronize: { configurationSection: SETTINGS_SECTION },
    outputChannel,
    diagnosticCollectionName: 'dagstudio',
  };
  return new LanguageClient('dagstudio', 'Airflow DAG Studio', serverOptions, clientOptions);
}
