import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyFixes } from '../../../server/src/rules/apply-fixes';
import { ignoreInFileFix, ignoreOnLineFix, lineEndsInsideString, parseSuppressions } from '../../../server/src/rules/suppression';
import { LineIndex } from '../../../server/src/rules/text';
import { commentsIn, range } from './model-helpers';

test('parses line and file directives with the range of every id', () => {
  const text = 'a >> b  # dagstudio: ignore[dag-cycle,  heavy-xcom]\n# dagstudio: ignore-file[missing-retries]\n';
  const directives = parseSuppressions(commentsIn(text));
  assert.deepEqual(directives.map((directive) => [directive.scope, directive.line, directive.ruleIds.map(({ id }) => id)]), [
    ['line', 0, ['dag-cycle', 'heavy-xcom']],
    ['file', 1, ['missing-retries']],
  ]);
  const second = directives[0]!.ruleIds[1]!.range;
  assert.equal(text.slice(second.start.character, second.end.character), 'heavy-xcom');
});

test('ignore on this line appends a comment, or extends an existing directive', () => {
  const text = 'a >> b\nc >> d  # keep me\ne >> f  # dagstudio: ignore[x]\n';
  const comments = commentsIn(text);
  const apply = (line: number) => applyFixes(text, [ignoreOnLineFix(text, comments, 'dag-cycle', line)!]).text.split('\n')[line];
  assert.equal(apply(0), 'a >> b  # dagstudio: ignore[dag-cycle]');
  assert.equal(apply(1), 'c >> d  # keep me  # dagstudio: ignore[dag-cycle]');
  assert.equal(apply(2), 'e >> f  # dagstudio: ignore[x, dag-cycle]');
});

test('ignore on this line is not offered where the line ends inside a multi-line string', () => {
  const text = 'sql = """INSERT INTO t\nVALUES (1)"""\nx = 1\n';
  assert.equal(ignoreOnLineFix(text, [], 'r', 0), null);
  assert.notEqual(ignoreOnLineFix(text, [], 'r', 1), null);
  const index = new LineIndex(text);
  assert.equal(lineEndsInsideString(text, index, 2), false);
  assert.equal(lineEndsInsideString("s = 'a # not a comment'\n", new LineIndex("s = 'a # not a comment'\n"), 0), false);
});

test('ignore in this file inserts after a shebang, keeps CRLF, or extends an existing directive', () => {
  const text = '#!/usr/bin/env python\r\nimport airflow\r\n';
  assert.equal(applyFixes(text, [ignoreInFileFix(text, [], 'dag-cycle')!]).text, '#!/usr/bin/env python\r\n# dagstudio: ignore-file[dag-cycle]\r\nimport airflow\r\n');
  const withDirective = 'import airflow\n# dagstudio: ignore-file[a]\n';
  assert.equal(applyFixes(withDirective, [ignoreInFileFix(withDirective, commentsIn(withDirective), 'b')!]).text, 'import airflow\n# dagstudio: ignore-file[a, b]\n');
  assert.equal(ignoreInFileFix(withDirective, commentsIn(withDirective), 'a'), null);
});

test('applyFixes applies non-overlapping fixes whole and skips overlapping ones', () => {
  const text = 'abcdef\nghij\n';
  const result = applyFixes(text, [
    { title: 'second', safe: true, edits: [{ range: range(1, 0, 2), newText: 'GH' }] },
    { title: 'first', safe: true, edits: [{ range: range(0, 0, 1), newText: 'A' }, { range: range(0, 5, 6), newText: 'F' }] },
    { title: 'overlaps', safe: true, edits: [{ range: range(0, 4, 6), newText: '!' }] },
  ]);
  assert.equal(result.text, 'AbcdeF\nGHij\n');
  assert.deepEqual(result.skipped.map((fix) => fix.title), ['overlaps']);
});
