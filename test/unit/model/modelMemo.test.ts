import { test } from 'node:test';
import { createPythonParser } from '../../../server/src/analyzer/parser';
import { seededRandom } from '../random';
import { analyzeWith, assertSameModel } from './warmAndCold';

/**
 * The DAG model remembers, per argument list node, what it read from the list's text (keyword names,
 * literal values), the task id it built and the ranges it computed. Statements keep their nodes while
 * their text is unchanged, so after any sequence of edits the model must equal a cold analysis.
 */

const HEADER = [
  'import pendulum',
  'from airflow.sdk import DAG, TaskGroup, task',
  'from airflow.providers.standard.operators.bash import BashOperator',
  'from airflow.providers.standard.operators.empty import EmptyOperator',
  'from airflow.providers.standard.operators.python import PythonOperator',
  '',
  'EXTRA = {"pool": "shared", "retries": 3}',
  '',
  'def load(table, **context):',
  '    print(table)',
  '',
];

function groupLines(name: string, options = ''): string[] {
  return [
    `    with TaskGroup("${name}"${options}) as ${name}:`,
    '        a = BashOperator(task_id="a", bash_command="run.sh {{ ds }}", pool="p")',
    '        b = PythonOperator(task_id="b", python_callable=load, op_kwargs={"table": "t"})',
    '        c = EmptyOperator(task_id="c", task_id="c2")',
    '        d = EmptyOperator(task_id="d", **EXTRA)',
    '        e = EmptyOperator(task_id=-1, retries=2.5, depends_on_past=True, owner=None)',
    '        a >> b >> [c, d] >> e',
  ];
}

function dagText(groups: string[][], tail: string[] = []): string {
  return [
    ...HEADER,
    'with DAG(dag_id="memo", schedule=None, start_date=pendulum.datetime(2024, 1, 1, tz="UTC")) as dag:',
    '    start = EmptyOperator(task_id="start")',
    ...groups.flat(),
    ...tail,
    '',
  ].join('\n');
}

test('the model read with remembered argument lists equals a cold one after each edit', async () => {
  const parser = await createPythonParser();
  const one = groupLines('one');
  const two = groupLines('two');
  const variants = [
    dagText([one, two]),
    // A character typed inside a command: every later statement moves by one offset.
    dagText([one, two]).replace('run.sh {{ ds }}', 'run.shx {{ ds }}'),
    // The same length, but a line break instead of a space: offsets stay, lines below move.
    dagText([one, two]).replace('"memo", schedule', '"memo",\nschedule'),
    // The groups swap: the same task statements now build ids under the other group.
    dagText([two, one]),
    // A group is renamed and stops prefixing its children: the remembered ids must not be used.
    dagText([groupLines('renamed', ', prefix_group_id=False'), one]),
    // Tasks leave their group for the DAG itself (same text at another column is another statement).
    dagText([one], ['    a = BashOperator(task_id="a", bash_command="run.sh {{ ds }}", pool="p")', '    start >> a']),
    // A line inserted at the top: every range moves down.
    '\n' + dagText([one, two]),
    dagText([one, two]),
  ];
  analyzeWith(parser, variants[0]!, true);
  variants.forEach((text, index) => {
    const warm = analyzeWith(parser, text, false);
    const again = analyzeWith(parser, text, false);
    const cold = analyzeWith(parser, text, true);
    assertSameModel(warm, cold, `variant ${index}`, text);
    assertSameModel(again, cold, `variant ${index}, analysed again`, text);
  });
});

test('random edits of a file with repeated groups give the same model warm and cold', async () => {
  const parser = await createPythonParser();
  const random = seededRandom(11);
  const inserts = ['x', '\n', ' ', '"', ',', '=', 'task_id="z", ', '**EXTRA, ', '\n        z = EmptyOperator(task_id="a")'];
  let text = dagText([groupLines('one'), groupLines('two'), groupLines('three')]);
  analyzeWith(parser, text, true);
  for (let edit = 0; edit < 40; edit++) {
    const at = Math.floor(random() * text.length);
    text = random() < 0.7
      ? text.slice(0, at) + inserts[Math.floor(random() * inserts.length)] + text.slice(at)
      : text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 3));
    const warm = analyzeWith(parser, text, false);
    const cold = analyzeWith(parser, text, true);
    assertSameModel(warm, cold, `edit ${edit}`, text);
    // The cold analysis left fresh nodes behind: analyse once more warm from them.
    assertSameModel(analyzeWith(parser, text, false), cold, `edit ${edit}, analysed again`, text);
  }
});
