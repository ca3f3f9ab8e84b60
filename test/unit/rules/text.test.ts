import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineIndex, lineIndexOf } from '../../../server/src/rules/text';

test('LineIndex finds the same lines for \\n, \\r\\n and lone \\r line ends', () => {
  for (const newline of ['\n', '\r\n', '\r']) {
    const text = ['a = 1', '', 'b = 22', 'c'].join(newline);
    const index = new LineIndex(text);
    assert.equal(index.lineCount, 4, JSON.stringify(newline));
    assert.deepEqual([0, 1, 2, 3].map((line) => index.lineText(line)), ['a = 1', '', 'b = 22', 'c']);
    const offset = text.indexOf('22');
    assert.deepEqual(index.positionAt(offset), { line: 2, character: 4 });
    assert.equal(index.offsetAt({ line: 2, character: 4 }), offset);
    assert.equal(index.offsetAt({ line: 0, character: 99 }), 5, 'a column past the line end lands on the line end');
  }
});

test('LineIndex handles a mix of line ends and a trailing line end', () => {
  const text = 'a\r\nb\nc\rd\n';
  const index = new LineIndex(text);
  assert.equal(index.lineCount, 5);
  assert.deepEqual([0, 1, 2, 3, 4].map((line) => index.lineText(line)), ['a', 'b', 'c', 'd', '']);
});

test('lineIndexOf reuses the index while the text is the same', () => {
  const text = 'x = 1\ny = 2\n';
  assert.equal(lineIndexOf(text), lineIndexOf(text));
  assert.notEqual(lineIndexOf(text), lineIndexOf(`${text}z = 3\n`));
});
