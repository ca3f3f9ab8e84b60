import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { SERVER_NODE_OPTIONS } from '../../../protocol/serverProcess';

/** The bundled server, built on demand when a test runs before `npm run build`. */
export function serverBundle(): string {
  const bundle = path.join(process.cwd(), 'dist', 'server', 'server.js');
  if (!fs.existsSync(bundle)) {
    const result = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
    if (result.status !== 0) throw new Error('building dist/ failed');
  }
  return bundle;
}

export interface StartOptions {
  /** Workspace folders (paths) to announce; the server indexes them. */
  folders?: string[];
  /** `dagstudio` settings answered to workspace/configuration. */
  settings?: unknown;
}

/**
 * A minimal LSP client over stdio for tests and the benchmark: starts `dist/server/server.js --stdio`,
 * initialises it, and records every notification it sends.
 */
export class TestLspClient {
  readonly diagnostics = new Map<string, PublishDiagnosticsParams[]>();
  readonly notifications: { method: string; params: unknown }[] = [];
  readonly logs: string[] = [];
  /** What the client answers to workspace/configuration; tests change it, then notify the server. */
  settings: unknown = {};
  private waiters: { check: () => boolean; resolve: () => void }[] = [];

  private constructor(readonly process: ChildProcess, readonly connection: MessageConnection) {}

  static async start(options: StartOptions = {}): Promise<TestLspClient> {
    // The server runs with the options the extension gives it; DAGSTUDIO_SERVER_NODE_ARGS adds more (for
    // example `--cpu-prof` to profile a benchmark).
    const nodeArgs = (process.env['DAGSTUDIO_SERVER_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...SERVER_NODE_OPTIONS, ...nodeArgs, serverBundle(), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stderr!.on('data', () => undefined);
    const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const client = new TestLspClient(child, connection);
    connection.onNotification((method, params) => client.record(method, params));
    client.settings = options.settings ?? {};
    connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => client.settings));
    connection.onRequest('window/workDoneProgress/create', () => null);
    connection.onRequest('client/registerCapability', () => null);
    connection.onRequest('window/showMessageRequest', () => null);
    connection.listen();
    const folders = options.folders ?? [];
    await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      workspaceFolders: folders.map((folder) => ({ uri: pathToFileURL(folder).href, name: path.basename(folder) })),
      capabilities: {
        workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true }, workspaceFolders: true },
        window: { workDoneProgress: true },
        textDocument: { publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true } },
      },
    });
    await connection.sendNotification('initialized', {});
    return client;
  }

  private record(method: string, params: unknown): void {
    if (method === 'textDocument/publishDiagnostics') {
      const published = params as PublishDiagnosticsParams;
      const list = this.diagnostics.get(published.uri) ?? [];
      list.push(published);
      this.diagnostics.set(published.uri, list);
    } else if (method === 'window/logMessage') {
      this.logs.push((params as { message: string }).message);
    }
    this.notifications.push({ method, params });
    this.waiters = this.waiters.filter((waiter) => {
      if (!waiter.check()) return true;
      waiter.resolve();
      return false;
    });
  }

  /** Resolves once `check` holds after some notification (or already holds); rejects after `timeoutMs`. */
  waitFor(check: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; logs:\n${this.logs.join('\n')}`)), timeoutMs);
      this.waiters.push({ check, resolve: () => { clearTimeout(timer); resolve(); } });
    });
  }

  /** The diagnostics published for `uri` at `version` (waits for them). */
  async diagnosticsFor(uri: string, version: number): Promise<Diagnostic[]> {
    const find = () => this.diagnostics.get(uri)?.find((published) => published.version === version);
    await this.waitFor(() => find() !== undefined, 10_000, `diagnostics of ${uri} v${version}`);
    return find()!.diagnostics;
  }

  /** The latest diagnostics published for `uri`. */
  latestDiagnostics(uri: string): Diagnostic[] | undefined {
    const list = this.diagnostics.get(uri);
    return list?.[list.length - 1]?.diagnostics;
  }

  open(uri: string, text: string, version = 1): Promise<void> {
    return this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version, text } });
  }

  change(uri: string, version: number, contentChanges: unknown[]): Promise<void> {
    return this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges });
  }

  close(uri: string): Promise<void> {
    return this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  request<T>(method: string, params: unknown): Promise<T> {
    return this.connection.sendRequest(method, params) as Promise<T>;
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((resolve) => setTimeout(resolve, 2000))]);
      await this.connection.sendNotification('exit');
    } catch {
      // The server may already be gone; it is killed below either way.
    }
    // Give the server a moment to exit by itself (so a `--cpu-prof` profile gets written), then make sure.
    if (this.process.exitCode === null) {
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, 1000);
        this.process.once('exit', () => { clearTimeout(timer); resolve(undefined); });
      });
    }
    this.connection.dispose();
    this.process.kill();
  }
}
