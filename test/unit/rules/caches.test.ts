import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze, clearAnalysisCaches } from '../../../server/src/analyzer/analyze';
import { createPythonParser, parsePython, type Parser } from '../../../server/src/analyzer/parser';
import { collectFindings } from '../../../server/src/lsp/pipeline';
import type { AnalysisConfig } from '../../../server/src/rules/rule';
import { clearContentCaches } from '../../../server/src/templates/contentCache';
import { seededRandom } from '../random';
import { listFixtures } from './fixture-harness';

/**
 * The rules keep what they computed from parts of the model that the analyzer hands on unchanged
 * between analyses (argument records, written strings) and from text alone. After any edit, the
 * findings computed with those caches warm must equal the findings of a cold analysis.
 */

const CONFIGS: AnalysisConfig[] = [2, 3].map((airflowVersion) => ({ airflowVersion: airflowVersion as 2 | 3, rules: {}, options: {} }));

function findingsOf(parser: Parser, text: string, cold: boolean): string {
  if (cold) {
    clearAnalysisCaches();
    clearContentCaches();
  }
  const tree = parsePython(parser, text);
  try {
    const model = analyze(tree, text);
    return JSON.stringify(CONFIGS.map((config) => collectFindings(model, text, config)));
  } finally {
    tree.delete();
  }
}

function assertSameFindings(warm: string, cold: string, what: string, text: string): void {
  if (warm === cold) return;
  let at = 0;
  while (warm[at] === cold[at]) at++;
  assert.fail(`${what}: findings differ at ${at}\nwarm: …${warm.slice(at - 200, at + 200)}\ncold: …${cold.slice(at - 200, at + 200)}\ntext:\n${text}`);
}

const INSERTS = ['x', '{{ ds }}', '{{ next_ds }}', '\\', '"', "'", '\n', '    ', ')', ',', 'password="hunter2-secret" ', '.sh'];

test('rule findings after edits are the same with warm caches as from a cold start', async () => {
  const parser = await createPythonParser();
  const random = seededRandom(11);
  for (const fixture of listFixtures()) {
    let text = fixture.text;
    findingsOf(parser, text, true);
    for (let edit = 0; edit < 6; edit++) {
      const at = Math.floor(random() * text.length);
      text = random() < 0.7
        ? text.slice(0, at) + INSERTS[Math.floor(random() * INSERTS.length)] + text.slice(at)
        : text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 4));
      const warm = findingsOf(parser, text, false);
      const cold = findingsOf(parser, text, true);
      assertSameFindings(warm, cold, `${fixture.name} after edit ${edit}`, text);
      assertSameFindings(findingsOf(parser, text, false), cold, `${fixture.name} after edit ${edit}, analysed again`, text);
    }
  }
});

test('a template followed to a module constant is read again when only the constant is rewritten', async () => {
  const parser = await createPythonParser();
  const lines = (constant: string) => [
    'from airflow.sdk import DAG',
    'from airflow.providers.standard.operators.bash import BashOperator',
    `COMMAND = ${constant}`,
    'with DAG("d", schedule=None):',
    '    run = BashOperator(task_id="run", bash_command=COMMAND)',
    '',
  ].join('\n');
  // Same value and length, so the statement using it may be handed on; only the way it is written differs, which moves the reported range.
  const versions = [lines('"\\x7b{ dss }}"'), lines('( "{{ dss }}")'), lines('"\\x7b{ dss }}"'), lines("'{{ dss }}'")];
  for (const text of versions) {
    const warm = findingsOf(parser, text, false);
    assertSameFindings(warm, findingsOf(parser, text, true), 'constant rewritten', text);
    findingsOf(parser, text, false);
  }
});
