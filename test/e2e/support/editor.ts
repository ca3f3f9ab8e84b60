import { spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { spawnGroup, stopGroup } from './processes';

/** Repository root: the tests run from there (see scripts/run-tests.mjs). */
export const repoRoot = process.cwd();
export const resultsDir = path.join(repoRoot, 'test-results/e2e');
const runsDir = path.join(repoRoot, '.vscode-test/runs');
const fixtureWorkspace = path.join(repoRoot, 'test/e2e-workspace');
const vsixPath = path.join(repoRoot, 'dist/airflow-dag-studio.vsix');

/** Chromium flags for a headless, offline, sandbox-less run (root in CI). */
const chromiumArgs = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];

/** Where install-editor.mjs put the editor. */
interface EditorInstall {
  node: string;
  entry: string;
  chromium: string;
}

/** User settings that keep the workbench predictable under automation; a scenario adds its own. */
const baseSettings: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'files.autoSave': 'off',
  'editor.autoClosingBrackets': 'never',
  'editor.autoClosingQuotes': 'never',
  'editor.autoIndent': 'none',
  'editor.quickSuggestions': { other: false, comments: false, strings: false },
  'editor.suggestOnTriggerCharacters': false,
  'editor.acceptSuggestionOnEnter': 'off',
  'editor.hover.delay': 300,
  'editor.minimap.enabled': false,
  // Scenarios read documents off the screen: a compact font and no scrolling past the end keep each
  // fixture fully rendered, and a scrollable editor then means the fixture is too long.
  'editor.fontSize': 12,
  'editor.lineHeight': 16,
  'editor.scrollBeyondLastLine': false,
  'window.commandCenter': false,
  'git.enabled': false,
};

let installed: EditorInstall | undefined;
let installError: Error | undefined;
let resultsCleared = false;

/** Runs scripts/e2e/install-editor.mjs (a no-op when the cached install is current). Throws its message. */
export function ensureEditorInstalled(): EditorInstall {
  if (installed) return installed;
  // A failed install is not tried again by the next group of scenarios: it would fail the same way.
  if (installError) throw installError;
  const result = spawnSync(process.execPath, [path.join(repoRoot, 'scripts/e2e/install-editor.mjs')], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 45 * 60_000,
  });
  if (result.status !== 0) {
    installError = new Error(`The editor for the end-to-end tests could not be installed (exit ${result.status ?? result.signal}); see the message above.`);
    throw installError;
  }
  const lastLine = result.stdout.trim().split('\n').pop() ?? '';
  installed = JSON.parse(lastLine) as EditorInstall;
  return installed;
}

/** Holds `dir` as a lock while `work` runs; a lock left by a process that no longer exists is taken over. */
async function withDirectoryLock<T>(dir: string, timeoutMs: number, work: () => T): Promise<T> {
  const owner = path.join(dir, 'pid');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      fs.mkdirSync(dir, { recursive: false });
      fs.writeFileSync(owner, String(process.pid));
      break;
    } catch {
      const holder = Number(fs.existsSync(owner) ? fs.readFileSync(owner, 'utf8') : Number.NaN);
      const holderAlive = Number.isInteger(holder) && holder > 0 && processAlive(holder);
      if (!holderAlive && Number.isInteger(holder)) fs.rmSync(dir, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`${dir} stayed locked for ${timeoutMs / 1000} s (by process ${holder}).`);
      else await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    return work();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

let packagedCopy: string | undefined;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Deletes the private .vsix copies of test processes that have ended. */
function removeCopiesOfEndedRuns(): void {
  for (const name of fs.readdirSync(runsDir)) {
    const pid = Number(/^airflow-dag-studio-(\d+)\.vsix$/.exec(name)?.[1]);
    if (Number.isInteger(pid) && pid !== process.pid && !processAlive(pid)) fs.rmSync(path.join(runsDir, name), { force: true });
  }
}

/**
 * Builds and packages the extension once per test process with `npm run package`, and keeps a private
 * copy of dist/airflow-dag-studio.vsix, so another checkout user packaging at the same moment cannot swap
 * or delete it under this run. DAGSTUDIO_E2E_VSIX names an existing .vsix to test instead (a release
 * candidate, say).
 */
export async function ensureExtensionPackaged(): Promise<string> {
  const given = process.env.DAGSTUDIO_E2E_VSIX;
  if (given) {
    if (!fs.existsSync(given)) throw new Error(`DAGSTUDIO_E2E_VSIX names ${given}, which does not exist.`);
    return path.resolve(given);
  }
  if (packagedCopy && fs.existsSync(packagedCopy)) return packagedCopy;
  fs.mkdirSync(runsDir, { recursive: true });
  const copy = path.join(runsDir, `airflow-dag-studio-${process.pid}.vsix`);
  removeCopiesOfEndedRuns();
  await withDirectoryLock(path.join(runsDir, 'package.lock'), 10 * 60_000, () => {
    const result = spawnSync('npm', ['run', '--silent', 'package'], {
      cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 5 * 60_000,
    });
    if (result.status !== 0 || !fs.existsSync(vsixPath)) {
      throw new Error(`npm run package failed (exit ${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
    }
    fs.copyFileSync(vsixPath, copy);
  });
  packagedCopy = copy;
  return copy;
}

/** What a scenario group asks of its editor. */
export interface EditorOptions {
  /** Names the run folder under .vscode-test/runs and the artefacts. */
  name: string;
  /** Whether the workspace is trusted; false opens it in Restricted Mode. */
  trusted: boolean;
  /** Extra user settings. */
  settings?: Record<string, unknown>;
}

/** A running code-server with the packaged extension installed, and a Chromium page showing it. */
export interface Editor {
  page: Page;
  /** The throwaway copy of test/e2e-workspace the editor has open. */
  workspace: string;
  /** code-server's log folder (the extension host's output channels are written below it). */
  logsDir: string;
  /** Everything code-server printed, for failure reports. */
  serverOutput(): string;
  /** Stops the browser and the editor's whole process group. Safe to call more than once. */
  close(): Promise<void>;
}

function copyDir(from: string, to: string): void {
  fs.cpSync(from, to, { recursive: true });
}

/**
 * The environment code-server runs in: an empty extension gallery, so it never looks for one on the
 * internet (it would try Open VSX), and nothing else changed.
 */
const editorEnv: NodeJS.ProcessEnv = { ...process.env, EXTENSIONS_GALLERY: '{}' };

/** code-server's own options, kept in the run folder instead of the user's ~/.config/code-server. */
function writeServerConfig(runDir: string): string {
  const file = path.join(runDir, 'code-server.yaml');
  fs.writeFileSync(file, 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n');
  return file;
}

function installExtension(install: EditorInstall, config: string, userDataDir: string, extensionsDir: string, vsix: string): void {
  const result = spawnSync(install.node, [
    install.entry, '--config', config, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', vsix,
  ], { encoding: 'utf8', timeout: 3 * 60_000, killSignal: 'SIGKILL', env: editorEnv });
  const output = `${result.stdout}\n${result.stderr}`;
  if (result.status !== 0 || !/successfully installed/i.test(output)) {
    throw new Error(`Installing ${path.basename(vsix)} into the editor failed (exit ${result.status ?? result.signal}):\n${output}`);
  }
}

/** Resolves with the URL code-server prints once it listens, or rejects on exit or after `timeoutMs`. */
function waitForListening(server: ChildProcess, output: () => string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`code-server did not start listening within ${timeoutMs / 1000} s:\n${output()}`)), timeoutMs);
    const check = (): void => {
      const match = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+\/?)/.exec(output());
      if (match) done(null, match[1]);
    };
    const onExit = (code: number | null, signal: string | null): void => done(new Error(`code-server exited (${code ?? signal}) before listening:\n${output()}`));
    function done(error: Error | null, url?: string): void {
      clearTimeout(timer);
      server.stdout?.off('data', check);
      server.stderr?.off('data', check);
      server.off('exit', onExit);
      if (error) reject(error);
      else resolve(url!);
    }
    server.stdout?.on('data', check);
    server.stderr?.on('data', check);
    server.once('exit', onExit);
    check();
  });
}

/**
 * Installs (when needed) and starts the editor: a fresh profile with the packaged extension, a fresh copy
 * of the fixture workspace, code-server on 127.0.0.1 and headless Chromium on the workbench. On any
 * failure everything started so far is stopped before the error propagates.
 */
export async function launchEditor(options: EditorOptions): Promise<Editor> {
  if (!resultsCleared) {
    // Screenshots and logs describe this run only; a failure image from an earlier run would mislead.
    fs.rmSync(resultsDir, { recursive: true, force: true });
    resultsCleared = true;
  }
  const install = ensureEditorInstalled();
  const vsix = await ensureExtensionPackaged();

  const runDir = path.join(runsDir, options.name);
  fs.rmSync(runDir, { recursive: true, force: true });
  const userDataDir = path.join(runDir, 'user-data');
  const extensionsDir = path.join(runDir, 'extensions');
  const workspace = path.join(runDir, 'workspace');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  copyDir(fixtureWorkspace, workspace);
  // With trust enabled and nothing trusted yet, the folder opens in Restricted Mode, as a user's new
  // clone does; with it disabled everything counts as trusted.
  const trustSettings = options.trusted
    ? { 'security.workspace.trust.enabled': false }
    : { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'always' };
  const settings = { ...baseSettings, ...trustSettings, ...options.settings };
  fs.writeFileSync(path.join(userDataDir, 'User/settings.json'), JSON.stringify(settings, null, 2));

  const config = writeServerConfig(runDir);
  installExtension(install, config, userDataDir, extensionsDir, vsix);

  let output = '';
  const server = spawnGroup(install.node, [
    install.entry, '--config', config, '--auth', 'none', '--bind-addr', '127.0.0.1:0', '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir, '--disable-telemetry', '--disable-update-check',
    '--ignore-last-opened', workspace,
  ], { cwd: runDir, stdio: ['ignore', 'pipe', 'pipe'], env: editorEnv });
  const collect = (chunk: Buffer): void => {
    output += chunk.toString();
  };
  server.stdout?.on('data', collect);
  server.stderr?.on('data', collect);

  let browser: Browser | undefined;
  const close = async (): Promise<void> => {
    const openBrowser = browser;
    browser = undefined;
    if (openBrowser) await openBrowser.close().catch(() => undefined);
    await stopGroup(server);
  };

  try {
    const url = await waitForListening(server, () => output, 60_000);
    browser = await chromium.launch({ executablePath: install.chromium, headless: true, args: chromiumArgs, timeout: 60_000 });
    const context = await browser.newContext({ viewport: { width: 1600, height: 1200 } });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(`${url}?folder=${encodeURIComponent(workspace)}`, { timeout: 60_000 });
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    return {
      page,
      workspace,
      logsDir: path.join(userDataDir, 'logs'),
      serverOutput: () => output,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
