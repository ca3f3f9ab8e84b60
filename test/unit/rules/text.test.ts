import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineIndex, lineIndexOf } from '../../../server/src/rules/text';
import { seededRandom } from '../random';

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

test('LineIndex answers the same whatever order it is asked in, finding lines only as far as it needs', () => {
  const random = seededRandom(11);
  const pieces = ['a', 'bc', ' ', '\n', '\r\n', '\r', 'x\n\n'];
  for (let round = 0; round < 300; round++) {
    let text = '';
    const length = Math.floor(random() * 30);
    for (let i = 0; i < length; i++) text += pieces[Math.floor(random() * pieces.length)];
    // The reference: every line start, found in one pass.
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      if (text[i] === '\r' && text[i + 1] === '\n') i++;
      if (text[i] === '\r' || text[i] === '\n') starts.push(i + 1);
    }
    const lineOf = (offset: number) => starts.filter((start) => start <= offset).length - 1;
    const contentEnd = (line: number) => {
      let end = line + 1 < starts.length ? starts[line + 1]! : text.length;
      if (end > starts[line]! && text[end - 1] === '\n') end--;
      if (end > starts[line]! && text[end - 1] === '\r') end--;
      return end;
    };
    const index = new LineIndex(text);
    for (let ask = 0; ask < 12; ask++) {
      const offset = Math.floor(random() * (text.length + 2));
      const clamped = Math.min(offset, text.length);
      assert.deepEqual(index.positionAt(offset), { line: lineOf(clamped), character: clamped - starts[lineOf(clamped)]! }, JSON.stringify(text));
      const line = Math.floor(random() * (starts.length + 1));
      const character = Math.floor(random() * 5);
      const expectedOffset = line >= starts.length ? text.length : Math.min(starts[line]! + character, contentEnd(line));
      assert.equal(index.offsetAt({ line, character }), expectedOffset, `${JSON.stringify(text)} ${line}:${character}`);
      assert.equal(index.lineText(line), line >= starts.length ? '' : text.slice(starts[line], contentEnd(line)));
    }
    assert.equal(index.lineCount, starts.length, JSON.stringify(text));
  }
});
