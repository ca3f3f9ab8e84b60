import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_EXPORT_LENGTH, parseHostMessage, parseWebviewMessage } from '../../../protocol/webview';
import { restoreState } from '../../../webview/src/viewState';

test('well-formed webview messages are accepted and returned with only known fields', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'ready', extra: 1 }), { type: 'ready' });
  assert.deepEqual(parseWebviewMessage({ type: 'task/reveal', taskId: 'load', dagId: 'daily', preserveFocus: true, evil: 'x' }), { type: 'task/reveal', taskId: 'load', dagId: 'daily', preserveFocus: true });
  assert.deepEqual(parseWebviewMessage({ type: 'export/save', format: 'png', data: 'iVBORw0KGgo=', suggestedName: 'daily.png' }), { type: 'export/save', format: 'png', data: 'iVBORw0KGgo=', suggestedName: 'daily.png' });
  assert.deepEqual(parseWebviewMessage({ type: 'panel/setLock', locked: true }), { type: 'panel/setLock', locked: true });
});

test('malformed webview messages are rejected', () => {
  const rejected: unknown[] = [
    null,
    'ready',
    [],
    { type: 'unknown/verb' },
    { type: 'task/reveal' },
    { type: 'task/reveal', taskId: 42 },
    { type: 'task/reveal', taskId: 'x'.repeat(5000) },
    { type: 'export/save', format: 'gif', data: 'x', suggestedName: 'a.gif' },
    { type: 'export/save', format: 'png', data: 'not base64!', suggestedName: 'a.png' },
    { type: 'export/save', format: 'svg', data: '<html></html>', suggestedName: 'a.svg' },
    { type: 'export/save', format: 'svg', data: '<svg/>', suggestedName: '../../etc/passwd' },
    { type: 'export/save', format: 'svg', data: `<svg>${'x'.repeat(MAX_EXPORT_LENGTH)}</svg>`, suggestedName: 'a.svg' },
    { type: 'panel/setLock', locked: 'yes' },
  ];
  for (const message of rejected) assert.equal(parseWebviewMessage(message), null, JSON.stringify(message)?.slice(0, 80));
});

test('host messages are shape-checked before the panel reads them', () => {
  assert.equal(parseHostMessage({ type: 'graph/didChange', snapshot: { uri: 1 } }), null);
  assert.equal(parseHostMessage({ type: 'export/request', format: 'bmp' }), null);
  assert.equal(parseHostMessage({ type: 'selection/didChange', taskId: 7 }), null);
  const ok = parseHostMessage({ type: 'graph/didChange', snapshot: { uri: 'file:///a.py', version: 3, parseOk: true, dags: [] }, fileName: 'a.py', dagId: null, locked: false });
  assert.equal(ok?.type, 'graph/didChange');
});

test('saved panel state from an older or damaged panel is repaired, not trusted', () => {
  const state = restoreState({ direction: 'SIDEWAYS', viewport: { x: 'a', y: 0, scale: 1 }, collapsed: [['k', ['g1', 7]], 'junk'], lineage: 'both', selectedTaskId: 'load' });
  assert.equal(state.direction, 'RIGHT');
  assert.equal(state.viewport, null);
  assert.deepEqual(state.collapsed, [['k', ['g1']]]);
  assert.equal(state.lineage, 'both');
  assert.equal(state.selectedTaskId, 'load');
  assert.deepEqual(restoreState(undefined).collapsed, []);
});
