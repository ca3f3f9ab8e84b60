import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { clearAnalysisCaches } from '../../../server/src/analyzer/analyze';
import { createPythonParser, parsePython } from '../../../server/src/analyzer/parser';
import { lowerTree } from '../../../server/src/analyzer/syntax';
import { generateDagFile } from '../../../bench/support/generate';
import { seededRandom } from '../random';
import { analyzeWith, assertEachMatchesCold, assertSameModel, assertWarmSequenceMatchesCold } from './warmAndCold';

/**
 * Statements are copied out of the syntax tree once and reused while their text is unchanged. After
 * any edit, the model built with that cache must equal the model built from scratch.
 */

const INSERTS = ['x', '\n', '    ', '# note\n', ')', ':', '"', 'é', '\n\n', 't >> u\n'];

test('edits analysed with the statement cache give the same model as a cold analysis', async () => {
  const parser = await createPythonParser();
  const random = seededRandom(7);
  const dir = path.join(process.cwd(), 'test', 'fixtures', 'model');
  for (const name of fs.readdirSync(dir).filter((file) => file.endsWith('.py'))) {
    let text = fs.readFileSync(path.join(dir, name), 'utf8');
    analyzeWith(parser, text, true);
    for (let edit = 0; edit < 12; edit++) {
      const at = Math.floor(random() * text.length);
      text = random() < 0.6
        ? text.slice(0, at) + INSERTS[Math.floor(random() * INSERTS.length)] + text.slice(at)
        : text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 5));
      const warm = analyzeWith(parser, text, false);
      const cold = analyzeWith(parser, text, true);
      assertSameModel(warm, cold, `${name} after edit ${edit}`, text);
      // Everything is now remembered: a second analysis of the same text reuses every statement.
      assertSameModel(analyzeWith(parser, text, false), cold, `${name} after edit ${edit}, analysed again`, text);
    }
  }
});

test('remembered statement facts follow changes elsewhere in the file that they depend on', async () => {
  const parser = await createPythonParser();
  const base = [
    'import pendulum',
    'from airflow.sdk import DAG',
    'from airflow.providers.standard.operators.python import PythonOperator',
    'REGION = "eu"',
    '',
    'def load():',
    '    pass',
    '',
    'with DAG(dag_id="d", schedule=None, start_date=pendulum.datetime(2024, 1, 1, tz="UTC")) as dag:',
    '    first = PythonOperator(task_id=REGION, python_callable=load)',
    '    second = PythonOperator(task_id="second", python_callable=load)',
    '    first >> second',
    '',
  ].join('\n');
  const variants = [
    base,
    // A constant's literal value changes: the task id read through it must change too.
    base.replace('REGION = "eu"', 'REGION = "us"'),
    // The import behind a name changes: qualified names of the unchanged statements must follow.
    base.replace('from airflow.providers.standard.operators.python import PythonOperator', 'from airflow.operators.python import PythonOperator'),
    // A line is inserted above: every range below moves down one line.
    base.replace('REGION = "eu"', 'REGION = "eu"\n'),
    // The callable is no longer used by the first task only: the function's scope follows the whole file.
    base.replace('python_callable=load)\n    second', 'python_callable=print)\n    second'),
  ];
  assertEachMatchesCold(parser, [...variants, ...[...variants].reverse()], 'variant');
});

test('a remembered statement binds its names as a constant or not by where it now stands', async () => {
  const parser = await createPythonParser();
  const atModuleLevel = [
    'from airflow.sdk import DAG, TaskGroup',
    'from airflow.providers.standard.operators.bash import BashOperator',
    '',
    'with DAG(dag_id="c", schedule=None) as dag:',
    '    with TaskGroup("g"):',
    '        COMMAND = "run.sh"',
    '',
    'BashOperator(task_id="t", bash_command=COMMAND, dag=dag)',
    '',
  ].join('\n');
  // The same block, now in a loop: COMMAND is bound once per iteration, so it is no constant.
  const inLoop = atModuleLevel.replace('with DAG(dag_id="c", schedule=None) as dag:', 'for dag in [DAG(dag_id="c", schedule=None)]:');
  assertEachMatchesCold(parser, [atModuleLevel, inLoop, atModuleLevel, inLoop], 'variant');
  // A changed function above takes the remembered copy of the line that defines the constant.
  const defined = [
    'from airflow.sdk import DAG, TaskGroup',
    'from airflow.providers.standard.operators.bash import BashOperator',
    '',
    'def outer():',
    '    def helper():',
    '        value = 1',
    '',
    'with DAG(dag_id="c", schedule=None) as dag:',
    '    with TaskGroup("g") as g:',
    '        REGION = "eu"',
    '',
    'BashOperator(task_id="t", bash_command=REGION, dag=dag)',
    '',
  ].join('\n');
  const taken = defined.replace('        value = 1', '        REGION = "eu"');
  assertWarmSequenceMatchesCold(parser, [defined, defined, taken, taken, defined, taken], 'variant');
});

test('imports found inside a remembered block follow a nested import taken by a changed block before it', async () => {
  const parser = await createPythonParser();
  const imported = [
    'from airflow.sdk import DAG',
    '',
    'def outer():',
    '    def helper():',
    '        value = 1',
    '',
    'if DAG:',
    '    if True:',
    '        from airflow.providers.standard.operators.bash import BashOperator',
    '',
    'with DAG(dag_id="i", schedule=None):',
    '    BashOperator(task_id="t", bash_command="run.sh")',
    '',
  ].join('\n');
  const taken = imported.replace('        value = 1', '        from airflow.providers.standard.operators.bash import BashOperator');
  assertWarmSequenceMatchesCold(parser, [imported, imported, taken, taken, imported, taken], 'variant');
});

test('remembered TaskGroup blocks follow the DAG variables and callables around them', async () => {
  const parser = await createPythonParser();
  const base = [
    'from airflow.sdk import DAG, TaskGroup',
    'from airflow.providers.standard.operators.python import PythonOperator',
    '',
    'def load():',
    '    pass',
    '',
    'def build(dag_id):',
    '    dag = DAG(dag_id=dag_id, schedule=None)',
    '    with dag:',
    '        with TaskGroup("g") as g:',
    '            u = PythonOperator(task_id="u", python_callable=load)',
    '            v = PythonOperator(task_id="v", python_callable=load)',
    '            u >> v',
    '    return dag',
    '',
    'with TaskGroup("loose") as loose:',
    '    w = PythonOperator(task_id="w", python_callable=load)',
    '',
    'build("d")',
    '',
  ].join('\n');
  const variants = [
    base,
    // `dag` no longer holds a DAG: the block under `with dag:` is not a DAG body any more.
    base.replace('dag = DAG(dag_id=dag_id, schedule=None)', 'dag = dict(dag_id=dag_id)'),
    // A task inside a group stops using the callable.
    base.replace('task_id="v", python_callable=load', 'task_id="v", python_callable=print'),
    base.replace('    w = PythonOperator(task_id="w", python_callable=load)', '    w = PythonOperator(task_id="w", python_callable=print)'),
    // Lines inserted above the groups.
    base.replace('def load():', '\n\ndef load():'),
  ];
  assertEachMatchesCold(parser, [...variants, ...[...variants].reverse(), ...variants], 'variant');
});

test('TaskGroup blocks redone from their trace follow what they read around them', async () => {
  const parser = await createPythonParser();
  const base = [
    'import pendulum',
    'from airflow.sdk import DAG, Label, TaskGroup',
    'from airflow.providers.standard.operators.bash import BashOperator',
    'from airflow.providers.standard.operators.empty import EmptyOperator',
    'from airflow.providers.standard.operators.python import PythonOperator',
    '',
    'COMMAND = "extract.sh"',
    'SHARDS = 2',
    '',
    'def load():',
    '    pass',
    '',
    'def other():',
    '    pass',
    '',
    'with DAG(dag_id="d", schedule=None, start_date=pendulum.datetime(2024, 1, 1, tz="UTC")) as dag:',
    '    start = EmptyOperator(task_id="start")',
    '    with TaskGroup("outer") as outer:',
    '        with TaskGroup("extract") as extract:',
    '            a = BashOperator(task_id="a", bash_command=COMMAND)',
    '            b = PythonOperator(task_id="b", python_callable=load)',
    '            c = EmptyOperator(task_id="c")',
    '            a >> [b, c]',
    '            b >> Label("then") >> c',
    '        start >> extract',
    '    with TaskGroup("load") as load_group:',
    '        with TaskGroup("parts") as parts:',
    '            d = EmptyOperator(task_id="d")',
    '            e = EmptyOperator(task_id=f"e_{SHARDS}")',
    '            d >> e',
    '        parts >> EmptyOperator(task_id="done")',
    '        first_part = d',
    '        for name in [f"shard_{i}" for i in range(SHARDS)]:',
    '            EmptyOperator(task_id=name) >> e',
    '    outer >> load_group',
    '',
  ].join('\n');
  const variants = [
    base,
    base,
    // A constant read by a block changes (its value, then its line): arguments read through it follow.
    base.replace('COMMAND = "extract.sh"', 'COMMAND = "extract.sql"'),
    base.replace('SHARDS = 2', 'SHARDS = 3'),
    base.replace('COMMAND = "extract.sh"\nSHARDS = 2', 'SHARDS = 2\nCOMMAND = "extract.sh"'),
    // The import behind an operator changes.
    base.replace('from airflow.providers.standard.operators.bash import BashOperator', 'from airflow.operators.bash import BashOperator'),
    // The callable moves to another line while the block stays where it is.
    base.replace('def load():\n    pass\n\ndef other():', 'def other():\n    pass\n\ndef load():'),
    // A task before the blocks takes the id of a task in one of them.
    base.replace('task_id="start"', 'task_id="load.parts.d"'),
    base.replace('task_id="start"', 'task_id="outer.extract.a"'),
    // …and two tasks before them are linked as two tasks in a block are: the block's edge is a second
    // declaration, which does not change which of the group's tasks are its last.
    base.replace('    start = EmptyOperator(task_id="start")', '    start = EmptyOperator(task_id="load.parts.d") >> EmptyOperator(task_id="load.parts.e_2")'),
    // The group around a block changes its id, then stops prefixing its children's ids.
    base.replace('TaskGroup("outer")', 'TaskGroup("other")'),
    base.replace('TaskGroup("outer")', 'TaskGroup("outer", prefix_group_id=False)'),
    // A name a block binds is bound before it too; a name it reads is rebound after it.
    base.replace('    start = EmptyOperator(task_id="start")', '    start = EmptyOperator(task_id="start"); d = start'),
    base.replace('    outer >> load_group', '    outer >> load_group\n    SHARDS = 5'),
    // Statements after a block change its tasks: another name (`d` has two already), a role.
    base.replace('    outer >> load_group', '    outer >> load_group\n    alias = d'),
    base,
    base.replace('    outer >> load_group', '    outer >> load_group\n    a.as_setup()\n    d.as_setup()'),
    base,
    // Lines above the blocks.
    base.replace('SHARDS = 2', 'SHARDS = 2\n'),
  ];
  assertWarmSequenceMatchesCold(parser, [...variants, ...[...variants].reverse(), ...variants], 'variant');
});

test('a redone block whose nested statement was taken by a changed block before it is evaluated again', async () => {
  const parser = await createPythonParser();
  const before = [
    'from airflow.sdk import DAG, TaskGroup',
    'from airflow.providers.standard.operators.empty import EmptyOperator',
    '',
    'with DAG(dag_id="nested", schedule=None) as dag:',
    '    with TaskGroup("a") as a:',
    '        x = EmptyOperator(task_id="x")',
    '        y = EmptyOperator(task_id="y")',
    '        z = EmptyOperator(task_id="z")',
    '        x >> z',
    '    with TaskGroup("b") as b:',
    '        x = EmptyOperator(task_id="x")',
    '        y = EmptyOperator(task_id="y")',
    '        x >> y',
    '',
  ].join('\n');
  // Group a now has the line group b has: the syntax copy of a takes the remembered copy of that line,
  // and b gets a new one.
  const after = before.replace('        x >> z', '        x >> y');
  assertWarmSequenceMatchesCold(parser, [before, before, after, after, before, before, after], 'variant');
});

test('blocks of a factory called for several DAGs are redone for each', async () => {
  const parser = await createPythonParser();
  // The outer group reads a task from outside, so the inner one is the block traced, in a different group each call.
  const nested = [
    'from airflow.sdk import DAG, TaskGroup',
    'from airflow.providers.standard.operators.empty import EmptyOperator',
    '',
    'def build(dag_id, group_id, prefix):',
    '    with DAG(dag_id=dag_id, schedule=None) as dag:',
    '        start = EmptyOperator(task_id="start")',
    '        with TaskGroup(group_id, prefix_group_id=prefix) as outer:',
    '            start >> EmptyOperator(task_id="first")',
    '            with TaskGroup("inner") as inner:',
    '                u = EmptyOperator(task_id="u")',
    '                v = EmptyOperator(task_id="v")',
    '                u >> v',
    '    return dag',
    '',
    'build("a", "outer", True)',
    'build("b", "other", True)',
    'build("c", "other", False)',
    '',
  ].join('\n');
  assertWarmSequenceMatchesCold(parser, [nested, nested, nested.replace('"c", "other", False', '"c", "other", True'), nested], 'nested');
  const base = [
    'from airflow.sdk import DAG, TaskGroup',
    'from airflow.providers.standard.operators.empty import EmptyOperator',
    '',
    'def build(dag_id, region):',
    '    with DAG(dag_id=dag_id, schedule=None) as dag:',
    '        with TaskGroup("g") as g:',
    '            u = EmptyOperator(task_id="u")',
    '            v = EmptyOperator(task_id=region)',
    '            u >> v',
    '    return dag',
    '',
    'for region in ["eu", "us"]:',
    '    build(f"d_{region}", region)',
    '',
  ].join('\n');
  const variants = [
    base,
    base,
    base.replace('["eu", "us"]', '["eu", "eu"]'),
    base.replace('["eu", "us"]', '["us", "eu", "ap"]'),
    base.replace('    build(f"d_{region}", region)', '    build(f"d_{region}", "x")'),
  ];
  assertWarmSequenceMatchesCold(parser, [...variants, ...[...variants].reverse(), ...variants], 'variant');
});

test('blocks that call helpers, TaskFlow functions or rebind names outside are evaluated again', async () => {
  const parser = await createPythonParser();
  const base = [
    'from airflow.sdk import DAG, TaskGroup, task',
    'from airflow.providers.standard.operators.empty import EmptyOperator',
    '',
    'PREFIX = "p"',
    'PREFIX = PREFIX + "q"',
    'counter = 0',
    '',
    'def make(name):',
    '    return EmptyOperator(task_id=PREFIX + name)',
    '',
    '@task',
    'def compute():',
    '    return 1',
    '',
    'with DAG(dag_id="h", schedule=None) as dag:',
    '    with TaskGroup("g") as g:',
    '        first = make("a")',
    '        second = make("b")',
    '        first >> second',
    '    with TaskGroup("g3") as g3:',
    '        EmptyOperator(task_id="x")',
    '        counter += 1',
    '    EmptyOperator(task_id="g2.compute__5")',
    '    with TaskGroup("g2") as g2:',
    '        compute() >> compute()',
    '    EmptyOperator(task_id=f"after_{counter}")',
    '',
  ].join('\n');
  const variants = [
    base,
    base,
    // The helper reads a name that is not a constant.
    base.replace('PREFIX + "q"', 'PREFIX + "r"'),
    // TaskFlow ids take the next free `__N` in the DAG.
    base.replace('task_id="g2.compute__5"', 'task_id="g2.compute__7"'),
    base,
  ];
  assertWarmSequenceMatchesCold(parser, [...variants, ...[...variants].reverse()], 'variant');
});

test('typing through a generated DAG gives the same model as a cold analysis after every keystroke', async () => {
  const parser = await createPythonParser();
  const random = seededRandom(5);
  let text = generateDagFile(60);
  const texts: string[] = [];
  for (let keystroke = 0; keystroke < 120; keystroke++) {
    // Mostly one character at a time in one place, sometimes a jump or a new line.
    const at = keystroke % 10 === 0 ? Math.floor(random() * text.length) : Math.min(text.length, (keystroke * 7919) % text.length);
    const roll = random();
    if (roll < 0.5) text = text.slice(0, at) + 'xyz_"()>\n'[Math.floor(random() * 10)] + text.slice(at);
    else text = text.slice(0, at) + text.slice(at + 1);
    texts.push(text);
  }
  assertWarmSequenceMatchesCold(parser, texts, 'keystroke');
});

/** A file where the same lines recur in many blocks, nested two deep, as generated DAGs have them. */
function repetitiveDag(groups: number): string {
  const lines = [
    'from airflow.sdk import DAG, TaskGroup',
    'from airflow.providers.standard.operators.empty import EmptyOperator',
    '',
    'with DAG(dag_id="repeated", schedule=None) as dag:',
    '    start = EmptyOperator(task_id="start")',
  ];
  for (let group = 0; group < groups; group++) {
    lines.push(`    with TaskGroup("g${group}") as g${group}:`);
    lines.push('        a = EmptyOperator(task_id="a")  # the same line in every group');
    lines.push('        b = EmptyOperator(task_id="b")');
    lines.push('        if True:');
    lines.push('            c = EmptyOperator(task_id="c")');
    lines.push('        a >> b >> c');
    lines.push(`    start >> g${group}`);
  }
  return lines.join('\n') + '\n';
}

/** The statement cache's own fields differ between a cached and a fresh copy by design. */
function withoutBookkeeping(this: { type?: unknown }, key: string, value: unknown): unknown {
  if (key === 'typeSpecific') return this.type === 'ERROR' ? value : undefined; // error starts are part of the copy
  return key === 'placedIn' || key === 'reusedStatements' ? undefined : value;
}

test('statement copies moved in place give the same syntax copy as copying afresh', async () => {
  const parser = await createPythonParser();
  const random = seededRandom(11);
  let text = repetitiveDag(12);
  clearAnalysisCaches();
  const edits = ['x', '\n', ' ', '        a >> b\n', 'with TaskGroup("n") as n:\n            z = 1\n', '#'];
  for (let round = 0; round < 150; round++) {
    // Keystrokes land in one place for a while, as when typing, then jump.
    const at = round % 5 === 0 ? Math.floor(random() * text.length) : Math.min(text.length, Math.floor(random() * 40) + (round * 97) % text.length);
    if (random() < 0.55) text = text.slice(0, at) + edits[Math.floor(random() * edits.length)] + text.slice(at);
    else text = text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 3));
    // Sometimes undo everything back to a known text, so whole cached statements come back at new places.
    if (round % 37 === 36) text = repetitiveDag(12 - (round % 3));
    const tree = parsePython(parser, text);
    try {
      const warm = JSON.stringify(lowerTree(tree, text), withoutBookkeeping);
      const reference = JSON.stringify(lowerTree(tree, text, false), withoutBookkeeping);
      assertSameModel(warm, reference, `syntax copy after edit ${round}`, text);
    } finally {
      tree.delete();
    }
  }
});
