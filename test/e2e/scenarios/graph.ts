import assert from 'node:assert/strict';
import { waitUntil, type Workbench } from '../support/workbench';

/** The command a user runs, as the Command Palette lists it. */
export const openGraphCommandTitle = 'Airflow: Open DAG Graph to the Side';

/** A task node in the graph webview: `data-node` holds `t:` and the task id (groups use another prefix). */
const taskNodeSelector = '[data-node^="t:"]';

async function taskIds(workbench: Workbench): Promise<string[]> {
  return workbench.webview().locator(taskNodeSelector).evaluateAll((nodes) => nodes.map((node) => (node.getAttribute('data-node') ?? '').slice(2)));
}

async function waitForTasks(workbench: Workbench, description: string, accept: (ids: string[]) => boolean): Promise<string[]> {
  return waitUntil(`the graph to ${description}`, async () => {
    const ids = await taskIds(workbench);
    return accept(ids) ? ids : undefined;
  }, { describeLast: async () => (await taskIds(workbench)).join(', ') || '(no task nodes)' });
}

/**
 * Scenario 4: the graph opens beside orders_pipeline.py with its four tasks; clicking a task moves the
 * editor's cursor to its definition; typing a new task adds a node without reopening the panel.
 */
export async function openGraphScenario(workbench: Workbench): Promise<void> {
  await workbench.openFile('dags/orders_pipeline.py');
  const loadLine = await workbench.lineNumberOf('load_orders = ');
  await workbench.runCommand(openGraphCommandTitle);
  const ids = await waitForTasks(workbench, 'show the four tasks', (found) => found.length === 4);
  assert.deepEqual([...ids].sort(), ['download', 'load_orders', 'refresh_dashboard', 'validate']);

  await workbench.webview().locator('[data-node="t:load_orders"]').first().click();
  await waitUntil(`the editor cursor on line ${loadLine} (load_orders)`, async () =>
    ((await workbench.cursorLineOfTextEditor()) === loadLine ? true : undefined), {
    describeLast: async () => `cursor line ${String(await workbench.cursorLineOfTextEditor())}`,
  });

  const chainLine = await workbench.lineNumberOf('download >> validate');
  await workbench.focusTextEditor();
  await workbench.goTo(chainLine, 1);
  await workbench.page.keyboard.type('    archive = BashOperator(task_id="archive", bash_command="echo archive")\n');
  await waitForTasks(workbench, 'add the archive task', (found) => found.length === 5 && found.includes('archive'));
}
