import * as path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';

/**
 * Default bound for waiting on the workbench: generous, because a fresh window on a busy 2-core machine
 * may take tens of seconds to activate the extension and start its server; finite always.
 */
export const defaultWaitMs = 60_000;

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
    const active = this.page.locator('.editor-group-container.active .monaco-editor').filter({ visible: true }).first();
    if ((await active.count()) > 0) return active;
    return this.page.locator('.editor-group-container .monaco-editor').filter({ visible: true }).first();
  }

  /** Puts keyboard focus into the text editor by clicking its tab, as a user would after using another view. */
  async focusTextEditor(): Promise<void> {
    const group = this.page.locator('.editor-group-container').filter({ has: this.page.locator('.monaco-editor').filter({ visible: true }) }).first();
    await group.locator('.tab.active').click();
    await waitUntil('the text editor to have focus', async () =>
      ((await group.locator('.monaco-editor.focused').count()) > 0 ? true : undefined));
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

  /**
   * Dismisses whatever a previous step may have left open (menus, hovers, widgets, Quick Open), so a
   * scenario starts from a plain workbench even after another one failed half-way.
   */
  async reset(): Promise<void> {
    await this.page.mouse.move(0, 0);
    for (let press = 0; press < 3; press += 1) await this.page.keyboard.press('Escape');
    await this.closeQuickInput();
    if ((await this.page.locator('.editor-group-container').count()) > 1) {
      // Merges the groups instead of closing editors, which would ask about unsaved changes.
      await this.runCommand('View: Single Column Editor Layout');
      await waitUntil('one editor group', async () => ((await this.page.locator('.editor-group-container').count()) === 1 ? true : undefined));
    }
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
    await input.fill(`:${line}:${column}`);
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

  /**
   * Every problem the Problems panel lists, each with the file it is listed under. Rows of the tree are
   * files (level 1), problems (level 2) and a problem's related locations (level 3, left out).
   */
  async problems(): Promise<ProblemRow[]> {
    const rows = await this.page.locator('.markers-panel .monaco-list-row').evaluateAll((elements) =>
      elements.map((element) => ({
        level: Number(element.getAttribute('aria-level') ?? '0'),
        top: Number.parseFloat((element as HTMLElement).style.top) || 0,
        label: element.querySelector('.label-name')?.textContent ?? '',
        text: (element as HTMLElement).innerText,
      })));
    rows.sort((a, b) => a.top - b.top);
    const result: ProblemRow[] = [];
    let file = '';
    for (const row of rows) {
      if (row.level === 1) file = normalise(row.label).trim();
      else if (row.level === 2) result.push({ file, text: normalise(row.text).replace(/\s+/g, ' ').trim() });
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

  /**
   * Hovers the mouse over the first whole-word occurrence of `word` in the active editor, on the 1-based
   * `line` when given. Tokens do not follow words (a plain name shares a span with the spaces around it),
   * so the word's box is measured with a DOM range over the rendered text.
   */
  async hoverWord(word: string, line?: number): Promise<Locator> {
    const editor = await this.textEditor();
    const point = await editor.locator('.view-lines').evaluate((lines, { wanted, onLine }) => {
      const escaped = wanted.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const pattern = new RegExp(`(?<![\\w])${escaped}(?![\\w])`);
      // Monaco reuses line elements, so document order is not screen order; the fixtures are never
      // scrolled (see editorText), so the n-th line from the top is line n.
      const rendered = Array.from(lines.querySelectorAll<HTMLElement>('.view-line'))
        .sort((a, b) => (Number.parseFloat(a.style.top) || 0) - (Number.parseFloat(b.style.top) || 0));
      const candidates = onLine === null ? rendered : rendered.slice(onLine - 1, onLine);
      for (const element of candidates) {
        const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const match = pattern.exec(node.textContent ?? '');
          if (!match) continue;
          const range = document.createRange();
          range.setStart(node, match.index);
          range.setEnd(node, match.index + wanted.length);
          const box = range.getBoundingClientRect();
          return { x: box.left + box.width / 2, y: box.top + box.height / 2 };
        }
      }
      return null;
    }, { wanted: word, onLine: line ?? null });
    if (!point) throw new Error(`${JSON.stringify(word)} is not on screen in the editor${line ? ` on line ${line}` : ''}.`);
    await this.page.mouse.move(point.x, point.y);
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
      text = await this.waitForEditorText('change after Undo', (current) => current !== before, 15_000);
    }
    if (text !== original) throw new Error(`Undo did not restore the original text within ${maxSteps} steps:\n${text}`);
  }

  /** Opens the code action menu at the cursor (Ctrl+.) and picks the action whose title matches. */
  async applyCodeAction(title: RegExp): Promise<void> {
    const rows = this.page.locator('.action-widget .monaco-list-row').filter({ visible: true });
    const item = rows.filter({ hasText: title }).first();
    let askedAt = 0;
    await waitUntil(`a code action matching ${title}`, async () => {
      if (await item.isVisible()) return true;
      // A request made while the editor was still taking focus, or before the server's actions were in,
      // opens no menu (or one without the action): close whatever is open and ask again.
      if (Date.now() - askedAt > 3_000) {
        if (askedAt > 0) await this.page.keyboard.press('Escape');
        await this.page.keyboard.press('Control+.');
        askedAt = Date.now();
      }
      return undefined;
    }, {
      describeLast: async () => (await rows.allInnerTexts()).map(normalise).join('\n') || '(no code action menu)',
    });
    await item.click();
    await waitUntil('the code action menu to close', async () => ((await rows.count()) === 0 ? true : undefined));
  }

  /**
   * Hovers `word` (on `line`, when given) with the mouse and returns the hover's text once it has loaded
   * and satisfies `accept`, so an earlier hover still fading out is never read by mistake.
   */
  async hoverText(word: string, options: { line?: number; accept: (text: string) => boolean }): Promise<string> {
    let hover: Locator | null = null;
    let hoveredAt = 0;
    return waitUntil(`the hover over ${word}`, async () => {
      // A freshly opened editor can still shift while it settles, leaving the pointer on a neighbouring
      // line: when the hover is not the awaited one for a while, point at the word again where it is now.
      if (!hover || Date.now() - hoveredAt > 1_500) {
        await this.page.mouse.move(0, 0);
        await this.page.keyboard.press('Escape');
        await this.page.locator('.monaco-hover:not(.hidden)').first().waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
        hover = await this.hoverWord(word, options.line);
        hoveredAt = Date.now();
      }
      const text = normalise(await hover.innerText());
      return options.accept(text) ? text : undefined;
    }, { describeLast: async () => (hover ? normalise(await hover.innerText()) : '(no hover shown)') });
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
