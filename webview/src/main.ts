/**
 * Entry point of the graph panel webview: wires the host bridge (`acquireVsCodeApi`), validates every
 * message, and sends `ready` once listening, as the protocol requires.
 */
import './main.css';
import { ExportRequest, GraphDidChange, parseHostMessage, Ready, SelectionDidChange, type WebviewMessage } from '../../protocol/webview';
import { GraphView } from './graphView';
import { createWorkerElk } from './layoutEngine';
import { LayoutScheduler } from './layoutScheduler';
import { restoreState, type PersistedState } from './viewState';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

function start(): void {
  const vscode = acquireVsCodeApi();
  const state = restoreState(vscode.getState());
  const worker = createWorkerElk();
  const layouts = new LayoutScheduler(worker?.elk ?? null);
  layouts.warmUp();
  const script = document.currentScript as HTMLScriptElement | null;
  const nonce = script?.nonce || document.querySelector<HTMLScriptElement>('script[nonce]')?.nonce || undefined;
  const root = document.getElementById('app') ?? document.body;
  const view = new GraphView(
    root,
    {
      post: (message: WebviewMessage) => vscode.postMessage(message),
      saveState: (saved: PersistedState) => vscode.setState(saved),
    },
    layouts,
    state,
    nonce,
  );

  window.addEventListener('message', (event: MessageEvent) => {
    const message = parseHostMessage(event.data);
    if (!message) return;
    switch (message.type) {
      case GraphDidChange:
        view.update(message);
        break;
      case SelectionDidChange:
        view.selectFromEditor(message.taskId);
        break;
      case ExportRequest:
        void view.export(message.format);
        break;
    }
  });
  window.addEventListener('unload', () => worker?.dispose());
  vscode.postMessage({ type: Ready } satisfies WebviewMessage);
}

start();
