import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeSource } from '../../../server/src/analyzer/analyze';
import { applyFixes } from '../../../server/src/rules/apply-fixes';
import { AIRFLOW3_MOVES } from '../../../server/src/rules/moved-import';
import { durationSeconds, evaluateArithmetic, formatSeconds } from '../../../server/src/rules/support/durations';
import { identifierOccurrences, insertKeywordArgument, removeArgument } from '../../../server/src/rules/support/edits';

test('evaluates the arithmetic people write for durations, and nothing else', () => {
  assert.equal(evaluateArithmetic('60 * 60 * 6'), 21600);
  assert.equal(evaluateArithmetic('(2 + 3) * 4 - 1'), 19);
  assert.equal(evaluateArithmetic('7_200 / 2'), 3600);
  assert.equal(evaluateArithmetic('60 * minutes'), null);
  assert.equal(evaluateArithmetic('1 / 0'), null);
  assert.equal(evaluateArithmetic('2 * (3'), null);
  assert.equal(formatSeconds(7200), '2 h');
  assert.equal(formatSeconds(604800), '7 d');
  assert.equal(formatSeconds(90), '90 s');
});

test('reads timedelta, pendulum.duration, numbers and products as seconds', async () => {
  const text = [
    'import pendulum',
    'from airflow import DAG',
    'from datetime import timedelta',
    'a = f(timeout=timedelta(hours=2, minutes=30))',
    'b = f(timeout=pendulum.duration(days=1))',
    'c = f(timeout=6 * 3600)',
    'd = f(timeout=timedelta(1, 30))',
    'e = f(timeout=some_value)',
  ].join('\n');
  const file = await analyzeSource(text);
  const timeouts = file.calls.filter((call) => call.calleeText === 'f').map((call) => durationSeconds(file, call.keywords.timeout!.value));
  assert.deepEqual(timeouts, [9000, 86400, 21600, 86430, null]);
});

const HEADER = 'from airflow import DAG\n';

async function insert(snippet: string, keyword: string): Promise<string> {
  const text = HEADER + snippet;
  const file = await analyzeSource(text);
  // The outermost call: for a mapped task, `Op.partial(...).expand(...)` as a whole, as the rules pass it.
  const call = file.calls.filter((candidate) => candidate.calleeText.startsWith('Op'))
    .sort((a, b) => b.range.end.character - a.range.end.character || b.range.end.line - a.range.end.line)[0]!;
  const edits = insertKeywordArgument(file, text, call.range, keyword);
  assert.ok(edits, 'an insertion was found');
  return applyFixes(text, [{ title: 'insert', edits, safe: true }]).text.slice(HEADER.length);
}

test('adds a keyword argument in the layout the call already has', async () => {
  assert.equal(await insert('t = Op(task_id="a")\n', 'mode="reschedule"'), 't = Op(task_id="a", mode="reschedule")\n');
  assert.equal(await insert('t = Op()\n', 'mode="reschedule"'), 't = Op(mode="reschedule")\n');
  assert.equal(
    await insert('t = Op(\n    task_id="a",\n    retries=2,\n)\n', 'mode="reschedule"'),
    't = Op(\n    task_id="a",\n    retries=2,\n    mode="reschedule",\n)\n',
  );
  assert.equal(
    await insert('t = Op(\n    task_id="a",\n    retries=2  # two is plenty\n)\n', 'mode="reschedule"'),
    't = Op(\n    task_id="a",\n    retries=2,  # two is plenty\n    mode="reschedule"\n)\n',
  );
  assert.equal(
    await insert('t = Op.partial(task_id="a").expand(x=[1, 2])\n', 'mode="reschedule"'),
    't = Op.partial(task_id="a", mode="reschedule").expand(x=[1, 2])\n',
  );
});

test('removes an argument with its comma, or its whole line when it stands alone', async () => {
  const cases: [string, string][] = [
    ['f(a=1, provide_context=True, b=2)\n', 'f(a=1, b=2)\n'],
    ['f(a=1, provide_context=True)\n', 'f(a=1)\n'],
    ['f(\n    a=1,\n    provide_context=True,\n    b=2,\n)\n', 'f(\n    a=1,\n    b=2,\n)\n'],
  ];
  for (const [before, after] of cases) {
    const file = await analyzeSource(`from airflow import DAG\n${before}`);
    const text = `from airflow import DAG\n${before}`;
    const argument = file.calls.find((call) => call.calleeText === 'f')!.keywords.provide_context!;
    const edit = removeArgument(text, argument.range);
    assert.ok(edit);
    assert.equal(applyFixes(text, [{ title: 'remove', edits: [edit], safe: true }]).text, `from airflow import DAG\n${after}`);
  }
});

test('counts a name where it is code: f-strings yes, plain strings and comments no', () => {
  const text = 'load = 1\nprint(f"{load}")\nprint("load")  # load\nreload = load\n';
  assert.equal(identifierOccurrences(text, 'load'), 3);
  assert.equal(identifierOccurrences(text, 'reload'), 1);
  assert.equal(identifierOccurrences(text, 'missing'), 0);
});

test('the Airflow 3 move table points at the new homes and never at itself', () => {
  for (const [from, move] of Object.entries(AIRFLOW3_MOVES)) {
    assert.notEqual(from, move.to, from);
    assert.match(move.to, /^airflow\.(sdk|providers)\./, `${from} → ${move.to}`);
    if (move.airflow2) assert.match(move.airflow2, /^airflow\.(operators|sensors|models)\./, `${from} → ${move.airflow2}`);
    if (move.status === 'removed') assert.ok(move.airflow2, `${from} is removed but has no Airflow 2 replacement`);
  }
});
