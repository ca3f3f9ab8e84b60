import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPythonParser, parsePython } from '../../server/src/analyzer/parser';

test('parses Python and reports positions in UTF-16 columns, as LSP counts them', async () => {
  const parser = await createPythonParser();
  const text = 'name = "é😀"; other = 1\n';
  const tree = parsePython(parser, text);
  const identifiers = tree.rootNode.descendantsOfType('identifier').map((node) => node!.text);
  assert.deepEqual(identifiers, ['name', 'other']);
  const other = tree.rootNode.descendantsOfType('identifier')[1]!;
  assert.equal(other.startPosition.column, text.indexOf('other'));
});

test('reparses incrementally after an edit and reflects the new text', async () => {
  const parser = await createPythonParser();
  const before = 'a >> b\n';
  const tree = parsePython(parser, before);
  const after = 'a >> bc\n';
  tree.edit({
    startIndex: 6, oldEndIndex: 6, newEndIndex: 7,
    startPosition: { row: 0, column: 6 }, oldEndPosition: { row: 0, column: 6 }, newEndPosition: { row: 0, column: 7 },
  });
  const next = parsePython(parser, after, tree);
  assert.equal(next.rootNode.descendantsOfType('identifier').map((node) => node!.text).join(','), 'a,bc');
});
