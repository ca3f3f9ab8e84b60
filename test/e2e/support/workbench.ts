import * as path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';

/** Default bound for waiting on the workbench: generous for a 2-core CI machine, finite always. */
export const defaultWaitMs = 30_000;

/**
 * Polls `probe` until it returns something other than `undefined`, and returns that. Throws after
 * `timeoutMs` with `description` and the last thing `describeLast` saw, so a failure says what the
 * screen showed instead of only "timed out".
 */
export async function waitUntil<T>(
  description: string,
  probe: () => Promise<T | undefined>,
  options: { timeoutMs?: number; describeLast?: () => Promise<string> } = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? defaultWaitMs;
  const deadline = Date.now() + timeoutMs;
  const intervals = [50, 100, 250, 500];
  let attempt = 0;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, intervals[Math.min(attempt++, intervals.length - 1)]));
  }
  const last = options.describeLast ? await options.describeLast().catch((error: unknown) => `(unreadable: ${String(error)})`) : '';
  const cause = lastError instanceof Error ? `\nlast error: ${lastError.message}` : '';
  throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for ${description}.${last ? `\nLast seen:\n${last}` : ''}${cause}`);
}

/** One row of the Problems panel, as a user reads it. */
export interface ProblemRow {
  /** The file the row is listed under (its name as the panel shows it). */
  file: string;
  /** The whole row text: message, source and code, position. */
  text: string;
}

/** A cursor position as the status bar shows it (1-based). */
export interface CursorPosition {
  line: number;
  column: number;
}

/** The visible text of the browser, with VS Code's non-breaking spaces turned back into spaces. */
function normalise(text: string): string {
  return text.replace(/\u00a0/g, ' ');
}

/** Drives the VS Code workbench the way a user does: keyboard, mouse, and what is on screen. */
export class Workbench {
  constructor(readonly page: Page) {}

  /**
   * The text editor a user is working in: the active group's, or, while a webview group (the graph
   * panel) is active, the first group that shows a text editor.
   */
  async textEditor(): Promise<Locator> {
    const active = this.page.locator('.editor-group-container.active .monaco-editor').first();
    if ((await active.count()) > 0) return active;
    return this.page.locator('.editor-group-container .monaco-editor').first();
  }

  /** Puts keyboard focus into the text editor (clicking its top-left corner, as a user would). */
  async focusTextEditor(): Promise<void> {
    await (await this.textEditor()).locator('.view-lines').click({ position: { x: 5, y: 5 } });
  }

  /**
   * The line of the text editor's cursor, from the highlighted line number; unlike the status bar, this
   * is shown while focus is elsewhere (in the graph panel, say).
   */
  async cursorLineOfTextEditor(): Promise<number | undefined> {
    const active = (await this.textEditor()).locator('.margin-view-overlays .active-line-number').first();
    if ((await active.count()) === 0) return undefined;
    const line = Number.parseInt(await active.innerText(), 10);
    return Number.isFinite(line) ? line : undefined;
  }

  /** Waits until the workbench has finished restoring and the explorer shows the workspace folder. */
  async ready(): Promise<void> {
    await this.page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: 60_000 });
    await this.page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible', timeout: 60_000 });
  }

  /** Runs a command from the Command Palette by its exact title (e.g. "Airflow: Open DAG Graph to the Side"). */
  async runCommand(title: string): Promise<void> {
    await this.closeQuickInput();
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    const row = this.page.locator('.quick-input-list .monaco-list-row').filter({
      has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(title)}$`) }),
    }).first();
    await row.waitFor({ state: 'visible' });
    await row.click();
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  }

  /** Opens a workspace file through Quick Open and waits until its editor shows text. */
  async openFile(relativePath: string): Promise<void> {
    const name = path.basename(relativePath);
    await this.closeQuickInput();
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible' });
    await input.fill(relativePath);
    const row = this.page.locator('.quick-input-list .monaco-list-row').filter({
      has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(name)}$`) }),
    }).first();
    await row.waitFor({ state: 'visible' });
    await row.click();
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    await this.page.locator('.editor-group-container.active .tab.active', { hasText: name }).waitFor({ state: 'visible' });
    await waitUntil(`the editor to show ${relativePath}`, async () => ((await this.editorText()).trim() ? true : undefined));
  }

  /** Closes the Command Palette or Quick Open if a previous step left it open. */
  async closeQuickInput(): Promise<void> {
    if (await this.page.locator('.quick-input-widget').isVisible()) {
      await this.page.keyboard.press('Escape');
      await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    }
  }

  /**
   * The lines the active editor renders, top to bottom. The fixtures are short enough to fit on screen,
   * so this is the whole document.
   */
  async editorText(): Promise<string> {
    const editor = await this.textEditor();
    // Monaco scrolls virtually; its vertical slider is shorter than its track exactly when lines are cut.
    const cut = await editor.evaluate((element) => {
      const track = element.querySelector('.editor-scrollable > .scrollbar.vertical');
      const slider = track?.querySelector('.slider');
      return track && slider ? slider.getBoundingClientRect().height < track.getBoundingClientRect().height - 1 : false;
    });
    if (cut) throw new Error('The document is taller than the editor, so its text cannot be read from the screen: keep the fixture short.');
    const lines = await editor.locator('.view-lines .view-line').evaluateAll((elements) =>
      elements
        .map((element) => ({ top: Number.parseFloat((element as HTMLElement).style.top) || 0, text: (element as HTMLElement).innerText }))
        .sort((a, b) => a.top - b.top)
        .map((line) => line.text));
    return normalise(lines.join('\n'));
  }

  /** Waits until the active editor's text satisfies `accept`; returns that text. */
  async waitForEditorText(description: string, accept: (text: string) => boolean, timeoutMs = defaultWaitMs): Promise<string> {
    return waitUntil(`the editor text to ${description}`, async () => {
      const text = await this.editorText();
      return accept(text) ? text : undefined;
    }, { timeoutMs, describeLast: () => this.editorText() });
  }

  /** The cursor position from the status bar ("Ln 12, Col 5"). */
  async cursor(): Promise<CursorPosition | undefined> {
    const item = this.page.locator('[id="status.editor.selection"]');
    if (!(await item.isVisible())) return undefined;
    const match = /Ln (\d+), Col (\d+)/.exec(await item.innerText());
    return match ? { line: Number(match[1]), column: Number(match[2]) } : undefined;
  }

  /** Moves the cursor with Go to Line (Ctrl+G) and waits for the status bar to confirm it. */
  async goTo(line: number, column = 1): Promise<void> {
    await this.focusTextEditor();
    await this.page.keyboard.press('Control+G');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`${line}:${column}`);
    await this.page.keyboard.press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    await waitUntil(`the cursor at Ln ${line}, Col ${column}`, async () => {
      const position = await this.cursor();
      return position?.line === line && position.column === column ? true : undefined;
    }, { describeLast: async () => JSON.stringify(await this.cursor()) });
  }

  /** The 1-based number of the first line whose text, trimmed, starts with `prefix`. */
  async lineNumberOf(prefix: string): Promise<number> {
    const lines = (await this.editorText()).split('\n');
    const index = lines.findIndex((line) => line.trim().startsWith(prefix));
    if (index < 0) throw new Error(`No line starting with ${JSON.stringify(prefix)} in the editor:\n${lines.join('\n')}`);
    return index + 1;
  }

  /** Opens (or focuses) the Problems panel. */
  async showProblems(): Promise<void> {
    const panel = this.page.locator('.markers-panel');
    if (!(await panel.isVisible())) {
      await this.page.keyboard.press('Control+Shift+M');
    }
    await panel.waitFor({ state: 'visible' });
  }

  /** Every row of the Problems panel, each with the file it is listed under. */
  async problems(): Promise<ProblemRow[]> {
    const rows = await this.page.locator('.markers-panel .monaco-list-row').evaluateAll((elements) =>
      elements.map((element) => ({
        level: Number(element.getAttribute('aria-level') ?? '0'),
        top: Number.parseFloat((element as HTMLElement).style.top) || 0,
        text: (element as HTMLElement).innerText,
      })));
    rows.sort((a, b) => a.top - b.top);
    const result: ProblemRow[] = [];
    let file = '';
    for (const row of rows) {
      const text = normalise(row.text).replace(/\s+/g, ' ').trim();
      if (row.level <= 1) file = text.split(' ')[0] ?? '';
      else result.push({ file, text });
    }
    return result;
  }

  /** The Problems rows listed under the file named `fileName`. */
  async problemsIn(fileName: string): Promise<string[]> {
    return (await this.problems()).filter((row) => row.file === fileName).map((row) => row.text);
  }

  /** Waits until the rows listed under `fileName` satisfy `accept`; returns them. */
  async waitForProblems(fileName: string, description: string, accept: (rows: string[]) => boolean, timeoutMs = defaultWaitMs): Promise<string[]> {
    await this.showProblems();
    return waitUntil(`the Problems panel to ${description} for ${fileName}`, async () => {
      const rows = await this.problemsIn(fileName);
      return accept(rows) ? rows : undefined;
    }, { timeoutMs, describeLast: async () => (await this.problems()).map((row) => `${row.file}: ${row.text}`).join('\n') || '(no problems)' });
  }

  /** Hovers the mouse over the first rendered token of the active editor whose text is exactly `word`. */
  async hoverWord(word: string): Promise<Locator> {
    const token = (await this.textEditor()).locator('.view-lines .view-line span span').filter({ hasText: new RegExp(`^${escapeRegExp(word)}$`) }).first();
    await token.hover();
    const hover = this.page.locator('.monaco-hover:not(.hidden)').first();
    await hover.waitFor({ state: 'visible' });
    return hover;
  }

  /**
   * Presses Undo until the active editor shows `original` again. Typing may have been recorded as more
   * than one undo step, so each press waits for the text to change before the next; it fails when an
   * undo changes nothing or the text never comes back.
   */
  async undoUntil(original: string, maxSteps = 20): Promise<void> {
    await this.focusTextEditor();
    let text = await this.editorText();
    for (let step = 0; step < maxSteps && text !== original; step += 1) {
      const before = text;
      await this.page.keyboard.press('Control+Z');
      text = await this.waitForEditorText('change after Undo', (current) => current !== before, 5_000);
    }
    if (text !== original) throw new Error(`Undo did not restore the original text within ${maxSteps} steps:\n${text}`);
  }

  /** Opens the code action menu at the cursor (Ctrl+.) and picks the action whose title matches. */
  async applyCodeAction(title: RegExp): Promise<void> {
    await this.page.keyboard.press('Control+.');
    const menu = this.page.locator('.action-widget');
    await menu.waitFor({ state: 'visible' });
    const item = menu.locator('.monaco-list-row').filter({ hasText: title }).first();
    await waitUntil(`a code action matching ${title}`, async () => ((await item.isVisible()) ? true : undefined), {
      describeLast: async () => normalise(await menu.innerText()),
    });
    await item.click();
    await menu.waitFor({ state: 'hidden' });
  }

  /**
   * Hovers `word` in the active editor with the mouse and returns the hover's text once it has loaded
   * and mentions `word` (so an earlier hover still fading out is never read by mistake).
   */
  async hoverText(word: string): Promise<string> {
    await this.page.mouse.move(0, 0);
    await this.page.keyboard.press('Escape');
    await this.page.locator('.monaco-hover:not(.hidden)').first().waitFor({ state: 'hidden' }).catch(() => undefined);
    const hover = await this.hoverWord(word);
    return waitUntil(`a hover about ${word}`, async () => {
      const text = normalise(await hover.innerText());
      return text.includes(word) && !/Loading\.\.\./.test(text) ? text : undefined;
    }, { describeLast: async () => normalise(await hover.innerText()) });
  }

  /** Waits until the status bar text satisfies `accept`. */
  async waitForStatusBar(description: string, accept: (text: string) => boolean): Promise<string> {
    return waitUntil(`the status bar to ${description}`, async () => {
      const text = await this.statusBarText();
      return accept(text) ? text : undefined;
    }, { describeLast: () => this.statusBarText() });
  }

  /** The content of the active webview panel (two iframes deep in the workbench). */
  webview(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
  }

  /** Text of the status bar, e.g. to see "Restricted Mode". */
  async statusBarText(): Promise<string> {
    return normalise(await this.page.locator('.part.statusbar').innerText());
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
