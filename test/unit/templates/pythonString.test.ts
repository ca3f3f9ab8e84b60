import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Position } from '../../../server/src/analyzer/model';
import { decodeStringLiteral } from '../../../server/src/templates/pythonString';

/** Decodes the literal found at the first quote-or-prefix in `line`, as it sits in a document at line 5. */
function decodeAt(source: string, start: Position = { line: 5, character: 10 }) {
  const decoded = decodeStringLiteral(source, start);
  assert.ok(decoded, `not a literal: ${source}`);
  return decoded;
}

test('decodes escapes and keeps raw strings raw', () => {
  assert.equal(decodeAt(String.raw`"a\tb\\c\'d\x41\u00e9\N{BULLET}\101"`).value, 'a\tb\\c\'dAé\ufffdA');
  assert.equal(decodeAt(String.raw`r"a\tb\{{ ds }}"`).value, String.raw`a\tb\{{ ds }}`);
  assert.equal(decodeAt(String.raw`b'{{ ds }}\n'`).value, '{{ ds }}\n');
  assert.equal(decodeAt(String.raw`"unknown \d escape"`).value, String.raw`unknown \d escape`);
  assert.equal(decodeAt('"line \\\ncontinued"').value, 'line continued');
});

test('maps value offsets back to document positions through escapes', () => {
  const source = String.raw`"\t{{ ds }}"`;
  const decoded = decodeAt(source);
  const at = decoded.value.indexOf('ds');
  // The opening quote is at column 10; `\t` takes two source columns for one value character.
  assert.deepEqual(decoded.positionAt(at), { line: 5, character: 10 + source.indexOf('ds') });
  const range = decoded.rangeOf(0, 1);
  assert.deepEqual([range.start.character, range.end.character], [11, 13]);
});

test('joins implicit concatenation over several lines, with comments and parentheses between parts', () => {
  const source = '(\n    "SELECT {{ params.a }} "  # first part\n    f"{x}" \'\'\'AND {{ ds }}\'\'\'\n)';
  const decoded = decodeAt(source, { line: 3, character: 8 });
  assert.equal(decoded.formatted, true);
  assert.equal(decoded.value, 'SELECT {{ params.a }} {x}AND {{ ds }}');
  const ds = decoded.value.lastIndexOf('ds');
  assert.deepEqual(decoded.positionAt(ds), { line: 5, character: source.split('\n')[2]!.indexOf('ds') });
  const params = decoded.value.indexOf('params');
  assert.deepEqual(decoded.positionAt(params), { line: 4, character: source.split('\n')[1]!.indexOf('params') });
});

test('triple-quoted strings keep their line breaks and map positions across lines', () => {
  const source = '"""SELECT *\r\nFROM t\nWHERE d = \'{{ ds }}\'"""';
  const decoded = decodeAt(source, { line: 0, character: 4 });
  assert.equal(decoded.value, "SELECT *\r\nFROM t\nWHERE d = '{{ ds }}'");
  assert.deepEqual(decoded.positionAt(decoded.value.indexOf('ds')), { line: 2, character: "WHERE d = '{{ ".length });
});

test('finds the value offset under a document position, and none outside the content', () => {
  const decoded = decodeAt(String.raw`"\n{{ da }}"`, { line: 0, character: 0 });
  assert.equal(decoded.valueOffsetAt({ line: 0, character: 8 }), decoded.value.indexOf(' }}'));
  assert.equal(decoded.valueOffsetAt({ line: 0, character: 0 }), null);
  assert.equal(decoded.valueOffsetAt({ line: 1, character: 0 }), null);
});

test('anything that is not only string literals is refused', () => {
  for (const source of ['name', '"a" + "b"', '"unterminated', '"a" b', 'rb"ok" x', '"a\nb"', 'xr"a"']) {
    assert.equal(decodeStringLiteral(source, { line: 0, character: 0 }), null, source);
  }
});
