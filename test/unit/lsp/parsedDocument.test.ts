import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPythonParser, parsePython, type Node, type Tree } from '../../../server/src/analyzer/parser';
import { ParsedDocument } from '../../../server/src/lsp/parsedDocument';

const SOURCE = [
  'from airflow import DAG',
  'from airflow.operators.python import PythonOperator',
  '',
  'with DAG("orders", schedule="@daily", catchup=False) as dag:',
  '    extract = PythonOperator(task_id="extract", python_callable=lambda: "é😀")',
  '    load = PythonOperator(task_id="load", python_callable=print)',
  '    extract >> load',
  '',
].join('\n');

/** Small deterministic generator so a failing sequence can be replayed from its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const SNIPPETS = ['', 'x', ' >> ', '\n', '\r\n', '    ', '(', ')', '"', 'é', '😀', 'task_id="t"', '\n    more = 1\n', 'def f():\n    return 1\n', '#', '[a, b]', ':'];

/** Every node as type + offsets + points, so two trees compare equal only when structure and positions agree. */
function describe(tree: Tree): string[] {
  const out: string[] = [];
  const cursor = tree.walk();
  let depth = 0;
  for (;;) {
    const node: Node = cursor.currentNode;
    out.push(`${depth}:${node.type}:${node.startIndex}-${node.endIndex}:${node.startPosition.row},${node.startPosition.column}-${node.endPosition.row},${node.endPosition.column}:${node.hasError ? 'E' : ''}`);
    if (cursor.gotoFirstChild()) {
      depth++;
      continue;
    }
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) {
        cursor.delete();
        return out;
      }
      depth--;
    }
  }
}

function positionAt(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  for (let index = 0; index < offset; index++) {
    const char = text[index];
    if (char === '\r' && text[index + 1] === '\n') continue;
    if (char === '\n' || char === '\r') {
      line++;
      lineStart = index + 1;
    }
  }
  return { line, character: offset - lineStart };
}

/** Every node's points agree with its offsets in the text (rows counted at `\n`, as tree-sitter does). */
function assertPositionsMatchText(tree: Tree, text: string, label: string): void {
  assert.equal(tree.rootNode.endIndex, text.length, `${label}: root covers the text`);
  const pointAt = (offset: number) => {
    const before = text.slice(0, offset);
    const lastNewline = before.lastIndexOf('\n');
    return `${before.split('\n').length - 1},${offset - lastNewline - 1}`;
  };
  const cursor = tree.walk();
  for (;;) {
    const node = cursor.currentNode;
    assert.equal(`${node.startPosition.row},${node.startPosition.column}`, pointAt(node.startIndex), `${label}: start of ${node.type}`);
    assert.equal(`${node.endPosition.row},${node.endPosition.column}`, pointAt(node.endIndex), `${label}: end of ${node.type}`);
    if (node.childCount === 0) assert.equal(node.text, text.slice(node.startIndex, node.endIndex), `${label}: text of ${node.type}`);
    if (cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) {
        cursor.delete();
        return;
      }
    }
  }
}

const TYPING = ['a', 'b', '_', 'z', '', ''];
const KEYWORDS = new Set(['from', 'import', 'with', 'as', 'lambda', 'def', 'return', 'False', 'True', 'None']);

test('incremental reparse while typing inside names and strings equals a full parse', async () => {
  const fullParser = await createPythonParser();
  let exactComparisons = 0;
  for (let seed = 1; seed <= 20; seed++) {
    const next = random(seed * 7919);
    const document = new ParsedDocument('file:///orders.py', await createPythonParser(), SOURCE, 1);
    let text = SOURCE;
    document.tree();
    for (let step = 0; step < 30; step++) {
      // A keystroke inside a word: insert a letter or delete one, as while editing ids and strings.
      const words = [...text.matchAll(/[A-Za-z_]{3,}/g)].filter((match) => !KEYWORDS.has(match[0]));
      const word = words[Math.floor(next() * words.length)]!;
      const at = word.index! + 1 + Math.floor(next() * (word[0].length - 1));
      const insert = TYPING[Math.floor(next() * TYPING.length)]!;
      const end = insert === '' ? at + 1 : at;
      const change = { range: { start: positionAt(text, at), end: positionAt(text, end) }, text: insert };
      text = text.slice(0, at) + insert + text.slice(end);
      document.applyChanges([change], step + 2);
      const tree = document.tree();
      const full = parsePython(fullParser, text);
      if (!full.rootNode.hasError) {
        assert.deepEqual(describe(tree), describe(full), `seed ${seed} step ${step}: trees differ`);
        exactComparisons++;
      }
      assertPositionsMatchText(tree, text, `seed ${seed} step ${step}`);
      full.delete();
    }
    document.dispose();
  }
  assert.ok(exactComparisons > 300, `only ${exactComparisons} error-free states compared`);
});

test('incremental reparse after random edit sequences keeps positions exact and equals a full parse where the text is valid', async () => {
  const fullParser = await createPythonParser();
  let exactComparisons = 0;
  for (let seed = 1; seed <= 40; seed++) {
    const next = random(seed);
    const document = new ParsedDocument('file:///orders.py', await createPythonParser(), SOURCE, 1);
    let text = SOURCE;
    document.tree();
    for (let step = 0; step < 25; step++) {
      // Several changes per notification, applied in order as LSP specifies.
      const changes = [];
      for (let count = 1 + Math.floor(next() * 3); count > 0; count--) {
        let start = Math.floor(next() * (text.length + 1));
        let end = Math.min(text.length, start + Math.floor(next() * 8));
        // Never split a surrogate pair: an editor cannot place the cursor there.
        if (start > 0 && /[\uDC00-\uDFFF]/.test(text[start] ?? '')) start--;
        if (end > 0 && end < text.length && /[\uDC00-\uDFFF]/.test(text[end] ?? '')) end++;
        // Nor between `\r` and `\n`: LSP positions cannot point inside a line end.
        if (start > 0 && text[start - 1] === '\r' && text[start] === '\n') start--;
        if (end > 0 && text[end - 1] === '\r' && text[end] === '\n') end++;
        end = Math.max(start, end);
        const insert = SNIPPETS[Math.floor(next() * SNIPPETS.length)]!;
        changes.push({ range: { start: positionAt(text, start), end: positionAt(text, end) }, text: insert });
        text = text.slice(0, start) + insert + text.slice(end);
      }
      document.applyChanges(changes, step + 2);
      assert.equal(document.text, text, `seed ${seed} step ${step}: text`);
      const tree = document.tree();
      assertPositionsMatchText(tree, text, `seed ${seed} step ${step}`);
      const full = parsePython(fullParser, text);
      // Where the text has syntax errors, tree-sitter may recover differently with and without the old
      // tree (both valid); everywhere else the trees must be identical.
      if (!full.rootNode.hasError) {
        assert.deepEqual(describe(tree), describe(full), `seed ${seed} step ${step}: trees differ`);
        exactComparisons++;
      }
      full.delete();
    }
    document.dispose();
  }
  assert.ok(exactComparisons >= 10, `only ${exactComparisons} error-free states compared`);
});

test('a whole-document change replaces the text and the tree', async () => {
  const document = new ParsedDocument('file:///a.py', await createPythonParser(), 'a = 1\n', 1);
  document.tree();
  document.applyChanges([{ text: 'b = 2\nc = 3\n' }], 2);
  assert.equal(document.version, 2);
  assert.deepEqual(document.tree().rootNode.descendantsOfType('identifier').map((node) => node!.text), ['b', 'c']);
  document.dispose();
});

test('a lone carriage return (which tree-sitter does not count as a line end) still yields a correct tree', async () => {
  const fullParser = await createPythonParser();
  const document = new ParsedDocument('file:///cr.py', await createPythonParser(), 'a = 1\nb = 2\n', 1);
  document.tree();
  document.applyChanges([{ range: { start: { line: 0, character: 5 }, end: { line: 0, character: 5 } }, text: '\rx = 3' }], 2);
  const expected = parsePython(fullParser, document.text);
  assert.deepEqual(describe(document.tree()), describe(expected));
  document.dispose();
});
