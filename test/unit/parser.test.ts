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

test('reads text handed over in pieces the same as the whole string, with characters split across pieces', async () => {
  const parser = await createPythonParser();
  // Astral characters (two UTF-16 units) at every offset around the boundaries between pieces, and lines
  // longer than a piece.
  const lines: string[] = [];
  for (let shift = 0; shift < 8; shift++) {
    lines.push(`${'x'.repeat(240 + shift)} = "${'😀é'.repeat(20)}"  # ${'😀'.repeat(shift)}`);
    lines.push(`value_${shift} = call(${'argument, '.repeat(40)}keyword="${'ü😀'.repeat(shift * 7)}")`);
  }
  const text = lines.join('\n') + '\n';
  const pieces = parsePython(parser, text);
  const whole = parser.parse(text)!;
  try {
    assert.equal(pieces.rootNode.hasError, false);
    assert.equal(pieces.rootNode.toString(), whole.rootNode.toString());
    assert.equal(pieces.rootNode.endIndex, text.length);
    const identifiers = pieces.rootNode.descendantsOfType('identifier').map((node) => `${node!.startIndex}:${node!.text}`);
    assert.deepEqual(identifiers, whole.rootNode.descendantsOfType('identifier').map((node) => `${node!.startIndex}:${node!.text}`));
  } finally {
    pieces.delete();
    whole.delete();
  }
});
