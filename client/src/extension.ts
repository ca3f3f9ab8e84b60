import type * as vscode from 'vscode';
import { DagStudioExtension } from './context';

let extension: DagStudioExtension | undefined;

/** Wires the extension together; everything it creates is owned, and disposed, by `DagStudioExtension`. */
export async function activate(context: vscode.ExtensionContext): Promise<DagStudioExtension> {
  extension = new DagStudioExtension(context);
  context.subscriptions.push(extension);
  await extension.start();
  return extension;
}

/** Stops the language server cleanly (VS Code waits for the returned promise). */
export async function deactivate(): Promise<void> {
  await extension?.stop();
  extension = undefined;
}
