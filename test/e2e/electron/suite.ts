/// <reference types="mocha" />
// The integration suite for desktop VS Code (`npm run test:electron`, through @vscode/test-cli and
// @vscode/test-electron, which download VS Code and so need internet). It runs inside the extension host
// under mocha and checks, through the VS Code API, what the browser scenarios of ../extension.test.ts check
// on screen: findings with rule ids, live updates, the catchup quick fix, hover, and the graph command.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';

const extensionId = 'dagstudio.airflow-dag-studio';
const waitMs = 30_000;

function workspaceFile(relative: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the suite runs with the fixture workspace open');
  return vscode.Uri.file(path.join(folder.uri.fsPath, relative));
}

function ruleIdOf(diagnostic: vscode.Diagnostic): string {
  const code = diagnostic.code;
  return typeof code === 'object' && code !== null ? String(code.value) : String(code ?? '');
}

function ruleIds(uri: vscode.Uri): string[] {
  return vscode.languages.getDiagnostics(uri).map(ruleIdOf);
}

/** Resolves once `accept` holds for the diagnostics of `uri`, checking at once and on every change. */
function waitForDiagnostics(uri: vscode.Uri, description: string, accept: (ids: string[]) => boolean): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const ids = ruleIds(uri);
      if (!accept(ids)) return false;
      finish();
      resolve(ids);
      return true;
    };
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((changed) => changed.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`Timed out waiting for ${path.basename(uri.fsPath)} to ${description}; it has: ${ruleIds(uri).join(', ') || 'nothing'}`));
    }, waitMs);
    function finish(): void {
      clearTimeout(timer);
      subscription.dispose();
    }
    check();
  });
}

async function open(relative: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(workspaceFile(relative));
  return vscode.window.showTextDocument(document, { preview: false });
}

function lineOf(document: vscode.TextDocument, prefix: string): number {
  for (let line = 0; line < document.lineCount; line += 1) {
    if (document.lineAt(line).text.trim().startsWith(prefix)) return line;
  }
  throw new Error(`No line starting with ${prefix} in ${document.fileName}`);
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((hover) => hover.contents.map((content) => (typeof content === 'string' ? content : content.value))).join('\n');
}

describe('Airflow DAG Studio in VS Code', function () {
  this.timeout(2 * waitMs);

  before(async () => {
    const extension = vscode.extensions.getExtension(extensionId);
    assert.ok(extension, `${extensionId} is installed`);
    await extension.activate();
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('reports a cycle and catchup=True with their rule ids, and nothing for a correct DAG', async () => {
    const clean = await open('dags/daily_report.py');
    const broken = await open('dags/cycle_and_catchup.py');
    await waitForDiagnostics(broken.document.uri, 'list dag-cycle and catchup-enabled', (ids) => ids.includes('dag-cycle') && ids.includes('catchup-enabled'));
    assert.deepEqual(ruleIds(clean.document.uri), []);
  });

  it('shows a cycle as it is typed and drops it on undo', async () => {
    const editor = await open('dags/daily_report.py');
    const original = editor.document.getText();
    const chain = lineOf(editor.document, 'fetch_orders >> summarise >> publish');
    await editor.edit((edit) => edit.insert(new vscode.Position(chain + 1, 0), '    publish >> fetch_orders\n'));
    await waitForDiagnostics(editor.document.uri, 'show dag-cycle', (ids) => ids.includes('dag-cycle'));
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), original);
    await waitForDiagnostics(editor.document.uri, 'be empty again', (ids) => ids.length === 0);
  });

  it('fixes catchup=True through its quick fix', async () => {
    const editor = await open('dags/backfill_report.py');
    const uri = editor.document.uri;
    await waitForDiagnostics(uri, 'show catchup-enabled', (ids) => ids.includes('catchup-enabled'));
    const diagnostic = vscode.languages.getDiagnostics(uri).find((candidate) => ruleIdOf(candidate) === 'catchup-enabled')!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((action) => /catchup=False/.test(action.title));
    assert.ok(fix?.edit, `a quick fix setting catchup=False among: ${actions.map((action) => action.title).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.match(editor.document.getText(), /catchup=False/);
    await waitForDiagnostics(uri, 'drop catchup-enabled', (ids) => !ids.includes('catchup-enabled'));
  });

  it('shows the operator and effective retries on hover', async () => {
    const editor = await open('dags/daily_report.py');
    const line = lineOf(editor.document, 'summarise = PythonOperator');
    // On the operator call, which is the task's range.
    const column = editor.document.lineAt(line).text.indexOf('PythonOperator') + 2;
    const text = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, new vscode.Position(line, column)));
    assert.match(text, /PythonOperator/);
    assert.match(text, /retries\W+3\b/);
  });

  it('opens the DAG graph to the side', async function () {
    const commands = await vscode.commands.getCommands(true);
    if (!commands.includes('dagStudio.openGraphToSide')) this.skip();
    await open('dags/orders_pipeline.py');
    await vscode.commands.executeCommand('dagStudio.openGraphToSide');
    const webviewTabs = vscode.window.tabGroups.all.flatMap((group) => group.tabs).filter((tab) => tab.input instanceof vscode.TabInputWebview);
    assert.equal(webviewTabs.length, 1, 'one graph panel is open');
    assert.equal(vscode.window.tabGroups.all.length, 2, 'beside the editor');
  });
});
