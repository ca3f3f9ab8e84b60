import assert from 'node:assert/strict';
import { test } from 'node:test';
import { unclosedBracketAt } from '../../../server/src/analyzer/brackets';
import { analyzeSource } from '../../../server/src/analyzer/analyze';

/** The offset of the `n`-th (from 0) occurrence of `needle`. */
function nth(text: string, needle: string, n = 0): number {
  let at = -1;
  for (let i = 0; i <= n; i++) at = text.indexOf(needle, at + 1);
  return at;
}

test('the innermost bracket open at the end of the text is found', () => {
  assert.equal(unclosedBracketAt('a = f(1, 2'), 5);
  const nested = 'x = {"a": [1, g(2, 3)';
  assert.equal(unclosedBracketAt(nested), nth(nested, '['));
  const laterLines = 'task = Op(\n    task_id="t",\nother = Op(task_id="o")\n';
  assert.equal(unclosedBracketAt(laterLines), nth(laterLines, '('));
});

test('balanced or mismatched brackets report nothing', () => {
  assert.equal(unclosedBracketAt('a = f(1, [2, {3: 4}])\n'), null);
  assert.equal(unclosedBracketAt(''), null);
  // A closing bracket that pairs with nothing: what is open at the end is not known.
  assert.equal(unclosedBracketAt('a = (1, 2))\nb = ('), null);
  assert.equal(unclosedBracketAt('a = [1, 2)\n'), null);
});

test('brackets in comments and string literals do not count', () => {
  assert.equal(unclosedBracketAt('a = 1  # f(\nb = "(" + \'[\' + """\n{\n"""\n'), null);
  assert.equal(unclosedBracketAt("s = r'\\'('\n"), null);
  assert.equal(unclosedBracketAt('s = b"[" + rb"{" + u"("\n'), null);
  // An unterminated string ends at its line; the brackets after it count again.
  assert.equal(unclosedBracketAt('s = "abc\nt = (1,'), nth('s = "abc\nt = (1,', '('));
  // Names ending in a prefix letter are names: `if"(` is `if` and a string.
  assert.equal(unclosedBracketAt('x = 1 if"(" else 2\n'), null);
});

test("brackets in an f-string's replacement fields count, nested quotes included", () => {
  assert.equal(unclosedBracketAt('s = f"{d["k"]} {{ literal ( }}"\n'), null);
  assert.equal(unclosedBracketAt("s = f'{value:{width}}' + F'''{g(1)}'''\n"), null);
  const open = 's = f"{g(1)}" + h(';
  assert.equal(unclosedBracketAt(open), open.length - 1);
});

test('one open bracket is one syntax error at the bracket, not one on every line after it', async () => {
  const text = [
    'from airflow.sdk import DAG',
    'from airflow.providers.standard.operators.bash import BashOperator',
    'with DAG(dag_id="typing", schedule=None) as dag:',
    '    a = BashOperator(task_id="a", bash_command="echo a", retries=2',
    '    b = BashOperator(task_id="b", bash_command="echo b", retries=2)',
    '    c = BashOperator(task_id="c", bash_command="echo c", retries=2)',
    '    a >> b >> c',
    '',
  ].join('\n');
  const model = await analyzeSource(text);
  assert.deepEqual(model.syntaxErrors.map((error) => [error.message, error.range.start.line, error.range.start.character, error.range.end.character]), [
    ["'(' was never closed", 3, 20, 21],
  ]);
});

test('errors before the open bracket stand', async () => {
  const text = [
    'from airflow.sdk import DAG',
    'x = = 1',
    'with DAG(dag_id="typing", schedule=None) as dag:',
    '    a = f(1,',
    '    b = 2',
    '    c = 3',
    '',
  ].join('\n');
  const errors = (await analyzeSource(text)).syntaxErrors;
  assert.deepEqual(errors.map((error) => [error.message, error.range.start.line]), [
    ["Syntax error: unexpected '='", 1],
    ["'(' was never closed", 3],
  ]);
});

test("an f-string field's format spec is text, save for nested fields", () => {
  const text = 's = f"{value:#x} {ratio:{width}.2f} {d[\'k\']!r:>10}"\nt = (';
  assert.equal(unclosedBracketAt(text), text.length - 1);
  assert.equal(unclosedBracketAt('s = f"{(lambda: 1)()}"\n'), null);
});
