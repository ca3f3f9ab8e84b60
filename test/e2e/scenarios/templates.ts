import assert from 'node:assert/strict';
import { waitUntil, type Workbench } from '../support/workbench';

/** The fixture DAG with templated bash commands (test/e2e-workspace/dags/templated_export.py). */
const file = 'dags/templated_export.py';

/**
 * Opens the fixture in one wide editor column (a graph panel beside it would leave the long argument
 * lines scrolled sideways), runs `steps`, and always restores the document and scrolls back to the top
 * left, so a failure here never leaves the next scenario an edited or scrolled editor.
 */
async function withFixture(workbench: Workbench, steps: (original: string) => Promise<void>): Promise<void> {
  await workbench.runCommand('View: Single Column Editor Layout');
  await workbench.openFile(file);
  const original = await workbench.editorText();
  try {
    await steps(original);
  } finally {
    await workbench.page.keyboard.press('Escape');
    await workbench.undoUntil(original);
    await workbench.page.keyboard.press('Control+Home');
  }
}

/**
 * Typing `{{ da` inside a `bash_command` string and asking for suggestions (Ctrl+Space) lists Airflow's
 * template variables `ds` (found through its alias "date") and `data_interval_start`.
 */
export async function templateCompletionScenario(workbench: Workbench): Promise<void> {
  await withFixture(workbench, async (original) => {
    const lineNumber = await workbench.lineNumberOf('archive = BashOperator(');
    const line = original.split('\n')[lineNumber - 1]!;
    await workbench.goTo(lineNumber, line.indexOf('archive.sh ') + 'archive.sh '.length + 1);
    await workbench.page.keyboard.type('{{ da');
    await workbench.waitForEditorText('contain the typed template', (text) => text.includes('archive.sh {{ da"'));
    await workbench.page.keyboard.press('Control+Space');
    const rows = workbench.page.locator('.editor-widget.suggest-widget .monaco-list-row');
    const labels = await waitUntil('the suggestions to list ds and data_interval_start', async () => {
      const texts = await rows.evaluateAll((nodes) => nodes.map((node) => (node.getAttribute('aria-label') ?? node.textContent ?? '').trim()));
      return texts.some((text) => /^ds\b/.test(text)) && texts.some((text) => text.startsWith('data_interval_start')) ? texts : undefined;
    }, { describeLast: async () => (await rows.allInnerTexts()).join(' | ') || '(no suggestions)' });
    assert.ok(labels.length > 0);
  });
}

/** The typo `{{ ds_nodahs }}` is in the Problems panel; its quick fix writes `ds_nodash` and the finding goes. */
export async function templateTypoScenario(workbench: Workbench): Promise<void> {
  const hasTypo = (rows: string[]) => rows.some((row) => row.includes('unknown-template-variable') && row.includes('ds_nodahs'));
  await withFixture(workbench, async (original) => {
    await workbench.waitForProblems('templated_export.py', 'report the template typo', hasTypo);
    const lineNumber = await workbench.lineNumberOf('export = BashOperator(');
    const line = original.split('\n')[lineNumber - 1]!;
    await workbench.goTo(lineNumber, line.indexOf('ds_nodahs') + 2);
    await workbench.applyCodeAction(/Replace 'ds_nodahs' with 'ds_nodash'/);
    await workbench.waitForEditorText('say {{ ds_nodash }}', (text) => text.includes('{{ ds_nodash }}'));
    await workbench.waitForProblems('templated_export.py', 'drop the template typo', (rows) => !hasTypo(rows));
  });
}
