import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeSource } from '../../../server/src/analyzer/analyze';
import { effectiveArgument } from '../../../server/src/analyzer/effective';

const source = `# top comment
from datetime import datetime, timedelta
import pendulum
from airflow.sdk import DAG, task, Variable
from airflow.providers.standard.operators.python import PythonOperator

OWNER = "platform"
RETRIES = 2
BASE = {"owner": OWNER}
SHARED = {**BASE, "retries": RETRIES}
started = datetime.now()


def _callback(**context):
    helper_value = Variable.get("inside_callable")
    return helper_value


with DAG("facts", start_date=pendulum.datetime(2024, 1, 1), schedule="@daily", default_args=SHARED) as dag:
    api_key = Variable.get("api_key")  # parse-time read

    @task(retries=5)
    def crunch():
        return Variable.get("inside_task")

    run = PythonOperator(task_id="run", python_callable=_callback, execution_timeout=timedelta(hours=1))
    crunch() >> run
`;

test('calls carry import-resolved callees, arguments and the scope they run in', async () => {
  const model = await analyzeSource(source);
  assert.equal(model.importsAirflow, true);
  const byCallee = (name: string) => model.calls.filter((call) => call.qualifiedName === name);

  const now = byCallee('datetime.datetime.now');
  assert.equal(now.length, 1);
  assert.equal(now[0]!.scope.parseTime, true);

  const reads = byCallee('airflow.sdk.Variable.get');
  const where = Object.fromEntries(reads.map((call) => [call.positional[0]!.value, call.scope]));
  assert.deepEqual(where['api_key'], { parseTime: true, taskCallable: null, functionName: null });
  assert.equal(where['inside_task']!.parseTime, false);
  assert.equal(where['inside_task']!.taskCallable, 'crunch');
  assert.equal(where['inside_callable']!.parseTime, false);
  assert.equal(where['inside_callable']!.taskCallable, '_callback');

  const operator = byCallee('airflow.providers.standard.operators.python.PythonOperator')[0]!;
  assert.equal(operator.keywords['task_id']!.value.value, 'run');
  assert.equal(operator.keywords['execution_timeout']!.value.qualifiedName, 'datetime.timedelta');
  assert.equal(operator.keywords['python_callable']!.value.kind, 'name');
});

test('module constants are followed for literal values; dict entries are exposed', async () => {
  const model = await analyzeSource(source);
  const shared = model.assignments.find((assignment) => assignment.target === 'SHARED')!;
  assert.equal(shared.value.kind, 'dict');
  assert.equal(shared.value.entries!['retries']!.value.value, 2);
  assert.ok(shared.value.entries!['retries']!.value.resolvedFrom, 'RETRIES was followed to its assignment');
  const dag = model.dags[0]!;
  assert.equal(dag.defaultArgs!.variable, 'SHARED');
  assert.equal(dag.defaultArgs!.dynamic, false, '**BASE is a literal the model follows');
  assert.deepEqual(Object.keys(dag.defaultArgs!.entries).sort(), ['owner', 'retries']);
  assert.equal(dag.defaultArgs!.entries['owner']!.value.value, 'platform');
});

test('default_args merged from something the model cannot follow are dynamic', async () => {
  const model = await analyzeSource([
    'import os',
    'from airflow import DAG',
    'EXTRA = dict(os.environ)',
    'with DAG("a", default_args={**EXTRA, "retries": 1}):',
    '    pass',
    'with DAG("b", default_args=dict(EXTRA, owner="x")):',
    '    pass',
    'with DAG("c", default_args=dict({"owner": "y"}, retries=2)):',
    '    pass',
  ].join('\n'));
  const [a, b, c] = model.dags;
  assert.equal(a!.defaultArgs!.dynamic, true);
  assert.deepEqual(Object.keys(a!.defaultArgs!.entries), ['retries']);
  assert.equal(b!.defaultArgs!.dynamic, true);
  assert.equal(b!.defaultArgs!.form, 'dict-call');
  assert.equal(c!.defaultArgs!.dynamic, false);
  assert.deepEqual(Object.keys(c!.defaultArgs!.entries).sort(), ['owner', 'retries']);
});

test('functions list resolved decorators, parameters and returns', async () => {
  const model = await analyzeSource(source);
  const crunch = model.functions.find((fn) => fn.name === 'crunch')!;
  assert.deepEqual(crunch.decorators, ['airflow.sdk.task']);
  assert.equal(crunch.returns[0]!.kind, 'call');
  assert.equal(crunch.scope.parseTime, true, 'defined in a DAG body');
  const callback = model.functions.find((fn) => fn.name === '_callback')!;
  assert.deepEqual(callback.parameters, ['context']);
});

test('comments and imports are facts with ranges', async () => {
  const model = await analyzeSource(source);
  assert.deepEqual(model.comments.map((comment) => comment.text), ['# top comment', '# parse-time read']);
  const imported = Object.fromEntries(model.imports.map((fact) => [fact.localName, fact.qualifiedName]));
  assert.equal(imported['DAG'], 'airflow.sdk.DAG');
  assert.equal(imported['pendulum'], 'pendulum');
  assert.equal(model.imports.find((fact) => fact.localName === 'DAG')!.range.start.line, 3);
});

test('effectiveArgument prefers the task argument, then default_args, for TaskFlow the decorator', async () => {
  const model = await analyzeSource(source);
  const dag = model.dags[0]!;
  const run = dag.tasks.find((task) => task.taskId === 'run')!;
  const crunch = dag.tasks.find((task) => task.taskId === 'crunch')!;
  assert.equal(effectiveArgument(run, dag, 'retries')!.value.value, 2);
  assert.equal(effectiveArgument(crunch, dag, 'retries')!.value.value, 5);
  assert.equal(effectiveArgument(run, dag, 'execution_timeout')!.value.text, 'timedelta(hours=1)');
  assert.equal(effectiveArgument(run, dag, 'sla'), null);
  assert.equal(effectiveArgument(run, null, 'retries'), null);
});

test('syntax errors get clear messages pointing at the culprit', async () => {
  const cases: [string, string, number][] = [
    ['from airflow import DAG\nvalue = (1, 2))\n', "Syntax error: unexpected ')'", 14],
    ['from airflow import DAG\nwith DAG("x") as dag\n    pass\n', "Missing ':'", 20],
    ['from airflow import DAG\nx = [1, 2\n', "Missing ']'", 9],
    ['import os\ndef f(:\n  return 1\n', "Missing ')'", 6],
  ];
  for (const [text, message, character] of cases) {
    const model = await analyzeSource(text);
    assert.deepEqual(model.syntaxErrors.map((error) => [error.message, error.range.start.line, error.range.start.character]), [[message, 1, character]], text);
  }
});

test('a file without airflow imports is skipped early', async () => {
  const model = await analyzeSource('import os\nprint(os.getcwd())\n');
  assert.equal(model.importsAirflow, false);
  assert.deepEqual(model.calls, []);
  assert.equal(model.lineCount, 3);
});

test('a repeated analysis of the same text gives the same model (statement cache)', async () => {
  const first = JSON.stringify(await analyzeSource(source));
  const shifted = JSON.stringify(await analyzeSource(`\n${source}`));
  const again = JSON.stringify(await analyzeSource(source));
  assert.equal(again, first);
  assert.notEqual(shifted, first);
  const reparsed = await analyzeSource(`\n${source}`);
  assert.equal(reparsed.dags[0]!.range.start.line, (await analyzeSource(source)).dags[0]!.range.start.line + 1);
});

test('imports resolve aliases, dotted modules, relative and nested imports', async () => {
  const model = await analyzeSource([
    'import airflow.sdk as sdk',
    'import os.path',
    'from . import helpers',
    'from airflow import DAG as D',
    'try:',
    '    from airflow.providers.standard.operators.bash import BashOperator',
    'except ImportError:',
    '    from airflow.operators.bash import BashOperator',
    'def build():',
    '    from airflow.models.baseoperator import chain',
    '    return chain',
  ].join('\n'));
  assert.deepEqual(model.imports.map((fact) => `${fact.localName}=${fact.qualifiedName}:${fact.kind}`), [
    'sdk=airflow.sdk:module',
    'os.path=os.path:module',
    'helpers=.helpers:symbol',
    'D=airflow.DAG:symbol',
    'BashOperator=airflow.providers.standard.operators.bash.BashOperator:symbol',
    'BashOperator=airflow.operators.bash.BashOperator:symbol',
    'chain=airflow.models.baseoperator.chain:symbol',
  ]);
  const alias = model.imports.find((fact) => fact.localName === 'D')!;
  assert.deepEqual({ start: alias.range.start, end: alias.range.end }, { start: { line: 3, character: 20 }, end: { line: 3, character: 28 } });
  assert.equal(alias.statementRange.end.character, 28);
});

test('a with-DAG body is parse-time code, also inside a factory function', async () => {
  const model = await analyzeSource([
    'from datetime import datetime',
    'from airflow import DAG',
    'def make(name):',
    '    before = datetime.now()',
    '    dag = DAG(name)',
    '    with dag:',
    '        inside = datetime.now()',
    '    return dag',
    'make("x")',
  ].join('\n'));
  const [before, inside] = model.calls.filter((call) => call.qualifiedName === 'datetime.datetime.now');
  assert.equal(before!.scope.parseTime, false);
  assert.equal(inside!.scope.parseTime, true);
  assert.equal(inside!.scope.functionName, 'make');
  assert.deepEqual(model.dags.map((dag) => dag.dagId), ['x']);
});

test('keyword arguments named like JavaScript object members are plain arguments', async () => {
  const model = await analyzeSource([
    'from airflow.sdk import DAG',
    'from airflow.providers.standard.operators.empty import EmptyOperator',
    'with DAG(dag_id="d", schedule=None) as dag:',
    '    t = EmptyOperator(task_id="t", constructor=1, __proto__={"toString": 2})',
    '',
    '    @task(constructor=3)',
    '    def flow():',
    '        pass',
    '',
    '    flow()',
    '',
  ].join('\n').replace('import DAG', 'import DAG, task'));
  const flow = model.dags[0]!.tasks.find((candidate) => candidate.taskId === 'flow')!;
  assert.deepEqual(Object.keys(flow.args), ['constructor']);
  assert.equal(flow.args['hasOwnProperty'], undefined);
  const args = model.dags[0]!.tasks.find((candidate) => candidate.taskId === 't')!.args;
  assert.deepEqual(Object.keys(args), ['task_id', 'constructor', '__proto__']);
  assert.equal(args['constructor']!.value.value, 1);
  assert.deepEqual(Object.keys(args['__proto__']!.value.entries!), ['toString']);
  assert.equal(args['hasOwnProperty'], undefined);
  assert.equal(args['__proto__']!.value.entries!['valueOf'], undefined);
});
