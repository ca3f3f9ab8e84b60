import type { GraphTask } from '../../protocol/lsp';
import { groupTitle, type ViewNode } from '../../server/src/graph/view';

/** Airflow's defaults for the settings the card shows, used when neither the task nor `default_args` set them. */
const AIRFLOW_DEFAULTS: Record<keyof GraphTask['details'], string> = {
  retries: '0',
  retryDelay: 'timedelta(seconds=300)',
  executionTimeout: 'None',
  triggerRule: 'all_success',
  pool: 'default_pool',
};

const LABELS: Record<keyof GraphTask['details'], string> = {
  retries: 'Retries',
  retryDelay: 'Retry delay',
  executionTimeout: 'Execution timeout',
  triggerRule: 'Trigger rule',
  pool: 'Pool',
};

function add<K extends keyof HTMLElementTagNameMap>(parent: Node, tag: K, className = '', text?: string): HTMLElementTagNameMap[K] {
  const child = document.createElement(tag);
  if (className) child.className = className;
  if (text !== undefined) child.textContent = text;
  parent.appendChild(child);
  return child;
}

/**
 * Fills and shows the hover card for a node next to the pointer (x, y in canvas pixels), keeping it
 * inside the canvas. Everything is set as text, never as markup: task ids and messages come from the file.
 */
export function showHoverCard(card: HTMLElement, node: ViewNode, x: number, y: number, width: number, height: number): void {
  card.replaceChildren();
  if (node.kind === 'task') {
    const { task } = node;
    add(card, 'div', 'heading', task.taskId);
    const flags = [task.mapped ? 'mapped' : '', task.role ?? ''].filter(Boolean).join(', ');
    add(card, 'div', 'operator', flags ? `${task.operator} · ${flags}` : task.operator);
    const table = add(card, 'table');
    for (const key of Object.keys(LABELS) as Array<keyof GraphTask['details']>) {
      const row = add(table, 'tr');
      add(row, 'td', '', LABELS[key]);
      const cell = add(row, 'td');
      const value = task.details[key];
      if (value === null) add(cell, 'span', 'default', `${AIRFLOW_DEFAULTS[key]} (Airflow default)`);
      else add(cell, 'code', '', value);
    }
    if (task.group) {
      const row = add(table, 'tr');
      add(row, 'td', '', 'TaskGroup');
      add(add(row, 'td'), 'code', '', task.group);
    }
    if (task.diagnostics.length > 0) {
      const list = add(card, 'ul');
      for (const diagnostic of task.diagnostics.slice(0, 8)) {
        const item = add(list, 'li', diagnostic.severity, diagnostic.message);
        add(item, 'span', 'rule', ` ${diagnostic.ruleId}`);
      }
      if (task.diagnostics.length > 8) add(list, 'li', '', `${task.diagnostics.length - 8} more…`);
    }
  } else {
    add(card, 'div', 'heading', groupTitle(node.group));
    add(card, 'div', 'operator', `TaskGroup ${node.group.groupId} · ${node.taskCount} task${node.taskCount === 1 ? '' : 's'}`);
    if (node.diagnosticCount > 0) add(card, 'div', '', `${node.diagnosticCount} diagnostic${node.diagnosticCount === 1 ? '' : 's'} inside (worst: ${node.worstSeverity})`);
    add(card, 'div', 'rule', node.collapsed ? 'Click to expand.' : 'Click the header to collapse.');
  }
  card.classList.add('visible');
  const cardWidth = card.offsetWidth;
  const cardHeight = card.offsetHeight;
  const left = x + 16 + cardWidth > width ? Math.max(4, x - 16 - cardWidth) : x + 16;
  const top = y + 16 + cardHeight > height ? Math.max(4, y - 16 - cardHeight) : y + 16;
  card.style.left = `${left}px`;
  card.style.top = `${top}px`;
}

export function hideHoverCard(card: HTMLElement): void {
  card.classList.remove('visible');
}
