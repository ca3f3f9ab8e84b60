// The extension as a user meets it: packaged as a .vsix, installed into a real VS Code (code-server's
// workbench and extension host), opening the fixture DAGs of test/e2e-workspace in headless Chromium.
// Every wait is on something on screen (Problems panel, editor text, hover, webview), bounded in time.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { launchEditor, type Editor } from './support/editor';
import { scenario } from './support/artifacts';
import { Workbench } from './support/workbench';
import { openGraphScenario } from './scenarios/graph';
import { templateCompletionScenario, templateTypoScenario } from './scenarios/templates';

/** First launch may install the editor (minutes, once) and always packages the extension. */
const launchTimeoutMs = 40 * 60_000;
const scenarioTimeoutMs = 3 * 60_000;

/** An editor for the enclosing `describe`: launched once before its scenarios, reset before each, closed after. */
function useEditor(name: string, trusted: boolean): { editor?: Editor; workbench: Workbench } {
  const session = {} as { editor?: Editor; workbench: Workbench };
  before(async () => {
    session.editor = await launchEditor({ name, trusted });
    session.workbench = new Workbench(session.editor.page);
    await session.workbench.ready();
  }, { timeout: launchTimeoutMs });
  beforeEach(async () => {
    await session.workbench?.reset();
  });
  after(async () => {
    await session.editor?.close();
  });
  return session;
}

const hasRule = (ruleId: string) => (rows: string[]) => rows.some((row) => row.includes(ruleId));

describe('in a trusted workspace', () => {
  const session = useEditor('trusted', true);

  it('lists a cycle and catchup=True in the Problems panel, and nothing for a correct DAG', { timeout: scenarioTimeoutMs }, () =>
    scenario(session.editor!, '1-problems', async () => {
      // The correct DAG is opened first: once the other file's findings are on screen, the server has
      // analysed both, so an empty list for it means "no findings", not "not analysed yet".
      await session.workbench.openFile('dags/daily_report.py');
      await session.workbench.openFile('dags/cycle_and_catchup.py');
      const rows = await session.workbench.waitForProblems('cycle_and_catchup.py', 'list dag-cycle and catchup-enabled',
        (found) => hasRule('dag-cycle')(found) && hasRule('catchup-enabled')(found));
      const cycle = rows.find((row) => row.includes('dag-cycle'))!;
      assert.match(cycle, /Airflow DAG Studio/, `the finding says where it comes from: ${cycle}`);
      assert.ok(['extract', 'transform', 'load'].every((task) => cycle.includes(task)), `the cycle finding names its tasks: ${cycle}`);
      const catchup = rows.find((row) => row.includes('catchup-enabled'))!;
      assert.match(catchup, /catchup=True/, `the catchup finding says what it saw: ${catchup}`);
      assert.deepEqual(await session.workbench.problemsIn('daily_report.py'), [], 'the correct DAG has no findings');
    }));

  it('shows a cycle as it is typed and drops it on undo', { timeout: scenarioTimeoutMs }, () =>
    scenario(session.editor!, '2-live-edit', async () => {
      await session.workbench.openFile('dags/daily_report.py');
      const original = await session.workbench.editorText();
      const chainLine = await session.workbench.lineNumberOf('fetch_orders >> summarise >> publish');
      await session.workbench.goTo(chainLine + 1, 1);
      await session.workbench.page.keyboard.type('    publish >> fetch_orders\n');
      await session.workbench.waitForEditorText('contain the new dependency', (text) => text.includes('publish >> fetch_orders'));
      await session.workbench.waitForProblems('daily_report.py', 'show dag-cycle', hasRule('dag-cycle'));

      await session.workbench.undoUntil(original);
      await session.workbench.waitForProblems('daily_report.py', 'be empty again', (rows) => rows.length === 0);
    }));

  it('applies the catchup quick fix from the code action menu', { timeout: scenarioTimeoutMs }, () =>
    scenario(session.editor!, '3-quick-fix', async () => {
      await session.workbench.openFile('dags/backfill_report.py');
      await session.workbench.waitForProblems('backfill_report.py', 'show catchup-enabled', hasRule('catchup-enabled'));
      const catchupLine = await session.workbench.lineNumberOf('catchup=True');
      await session.workbench.goTo(catchupLine, 5);
      await session.workbench.applyCodeAction(/catchup=False/);
      const text = await session.workbench.waitForEditorText('say catchup=False', (current) => current.includes('catchup=False'));
      assert.ok(!text.includes('catchup=True'), 'catchup=True is gone');
      await session.workbench.waitForProblems('backfill_report.py', 'drop catchup-enabled', (rows) => !hasRule('catchup-enabled')(rows));
    }));

  it('opens the DAG graph beside the editor, follows clicks and edits', { timeout: scenarioTimeoutMs }, () =>
    scenario(session.editor!, '4-graph', () => openGraphScenario(session.workbench)));

  it('shows the operator and effective retries on hover', { timeout: scenarioTimeoutMs }, () =>
    scenario(session.editor!, '5-hover', async () => {
      await session.workbench.openFile('dags/daily_report.py');
      // Hovering the operator call of a task describes the task.
      const inherited = await session.workbench.hoverText('PythonOperator', {
        line: await session.workbench.lineNumberOf('summarise = '), accept: (text) => text.startsWith('summarise '),
      });
      assert.match(inherited, /PythonOperator/, `hover names the operator:\n${inherited}`);
      assert.match(inherited, /retries\W+3\b/, `hover shows retries 3 from default_args:\n${inherited}`);
      const own = await session.workbench.hoverText('BashOperator', {
        line: await session.workbench.lineNumberOf('publish = '), accept: (text) => text.startsWith('publish '),
      });
      assert.match(own, /BashOperator/, `hover names the operator:\n${own}`);
      assert.match(own, /retries\W+1\b/, `hover shows the task's own retries 1:\n${own}`);
    }));

  it('offers Airflow template variables when typing {{ da in bash_command', { timeout: scenarioTimeoutMs }, () =>
    scenario(session.editor!, '7-template-completion', () => templateCompletionScenario(session.workbench)));

  it('reports a template typo and fixes it from the code action menu', { timeout: scenarioTimeoutMs }, () =>
    scenario(session.editor!, '8-template-typo', () => templateTypoScenario(session.workbench)));
});

describe('in a workspace that is not trusted (Restricted Mode)', () => {
  const session = useEditor('restricted', false);

  it('still reports findings', { timeout: scenarioTimeoutMs }, () =>
    scenario(session.editor!, '6-restricted-mode', async () => {
      await session.workbench.waitForStatusBar('show Restricted Mode', (text) => /Restricted Mode/i.test(text));
      await session.workbench.openFile('dags/cycle_and_catchup.py');
      await session.workbench.waitForProblems('cycle_and_catchup.py', 'list dag-cycle and catchup-enabled',
        (rows) => hasRule('dag-cycle')(rows) && hasRule('catchup-enabled')(rows));
    }));
});
