import * as fs from 'node:fs';
import * as path from 'node:path';
import { resultsDir, type Editor } from './editor';

/** The extension's id (publisher.name); VS Code writes its log output channels into a folder of that name. */
const extensionId = 'dagstudio.airflow-dag-studio';

function safeName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

function findFiles(dir: string, accept: (file: string) => boolean, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) findFiles(full, accept, out);
    else if (accept(full)) out.push(full);
  }
  return out;
}

/** Saves a screenshot of the whole workbench as test-results/e2e/NAME.png; returns its path. */
export async function saveScreenshot(editor: Editor, name: string): Promise<string> {
  fs.mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${safeName(name)}.png`);
  await editor.page.screenshot({ path: file, timeout: 15_000 });
  return file;
}

/**
 * Copies the extension's output channel log (and the extension host's log, which records activation
 * errors) plus code-server's own output into test-results/e2e/NAME-logs/.
 */
export function saveLogs(editor: Editor, name: string): string {
  const target = path.join(resultsDir, `${safeName(name)}-logs`);
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true });
  const logs = findFiles(editor.logsDir, (file) => file.includes(`${path.sep}${extensionId}${path.sep}`) || path.basename(file) === 'remoteexthost.log');
  for (const file of logs) fs.copyFileSync(file, path.join(target, path.basename(file)));
  fs.writeFileSync(path.join(target, 'code-server.log'), editor.serverOutput());
  return target;
}

/**
 * Runs one scenario. It ends with a screenshot (NAME.png); when it fails, the screenshot is taken at the
 * point of failure (NAME-failure.png) and the logs are saved beside it before the error is rethrown.
 */
export async function scenario(editor: Editor, name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    const notes: string[] = [];
    try {
      notes.push(`screenshot: ${path.relative(process.cwd(), await saveScreenshot(editor, `${name}-failure`))}`);
    } catch (screenshotError) {
      notes.push(`no screenshot: ${String(screenshotError)}`);
    }
    notes.push(`logs: ${path.relative(process.cwd(), saveLogs(editor, name))}`);
    if (error instanceof Error) error.message += `\n(${notes.join('; ')})`;
    throw error;
  }
  await saveScreenshot(editor, name);
}
