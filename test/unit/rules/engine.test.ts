import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runRules, formatMessage } from '../../../server/src/rules/engine';
import type { AnalysisConfig, Rule } from '../../../server/src/rules/rule';
import { unknownSuppression } from '../../../server/src/rules/unknown-suppression';
import { modelOf, range } from './model-helpers';

const config: AnalysisConfig = { airflowVersion: 2, rules: {}, options: {} };

/** A rule reporting a finding on every line whose text contains "flag", with the line's text as argument. */
function lineFlagRule(id: string, extra: Partial<Rule['meta']> = {}): Rule {
  return {
    meta: {
      id,
      summary: 'test rule',
      defaultSeverity: 'warning',
      category: 'structure',
      fix: 'none',
      messages: { flagged: 'flagged {what} with {limit}' },
      options: { limit: { type: 'number', default: 3, description: 'a limit' } },
      docs: { whatItDoes: '', whyIsThisBad: '', example: '', useInstead: '' },
      ...extra,
    },
    check(context) {
      context.text.split('\n').forEach((line, index) => {
        if (line.includes('flag')) context.report({ messageId: 'flagged', args: { what: line.trim().split(' ')[0]!, limit: context.option<number>('limit') }, range: range(index, 0, 4) });
      });
    },
  };
}

test('fills message templates and applies default severity and option defaults', () => {
  const text = 'flag_a\nother\n';
  const findings = runRules(modelOf(text), text, config, { rules: [lineFlagRule('demo')] });
  assert.deepEqual(findings.map((finding) => [finding.ruleId, finding.severity, finding.message, finding.range.start.line]), [
    ['demo', 'warning', 'flagged flag_a with 3', 0],
  ]);
});

test('severity overrides, off, option overrides and target versions are honoured', () => {
  const text = 'flag\n';
  const rules = [lineFlagRule('a'), lineFlagRule('b'), lineFlagRule('c', { airflowVersions: [3] })];
  const findings = runRules(modelOf(text), text, { airflowVersion: 2, rules: { a: 'error', b: 'off' }, options: { a: { limit: 7 } } }, { rules });
  assert.deepEqual(findings.map((finding) => [finding.ruleId, finding.severity, finding.message]), [['a', 'error', 'flagged flag with 7']]);
  const onThree = runRules(modelOf(text), text, { airflowVersion: 3, rules: {}, options: {} }, { rules });
  assert.deepEqual(onThree.map((finding) => finding.ruleId), ['a', 'b', 'c']);
});

test('line suppressions silence only the named rules on their own line', () => {
  const text = [
    'flag one  # dagstudio: ignore[a]',
    'flag two  # dagstudio: ignore[a, b]',
    'flag three',
    'flag four  # noqa: E501  # dagstudio: ignore',
  ].join('\n');
  const findings = runRules(modelOf(text), text, config, { rules: [lineFlagRule('a'), lineFlagRule('b')] });
  assert.deepEqual(findings.map((finding) => `${finding.range.start.line}:${finding.ruleId}`), ['0:b', '2:a', '2:b']);
});

test('file suppressions silence a rule everywhere, wherever the comment stands', () => {
  const text = 'flag one\nflag two\n# dagstudio: ignore-file[a]\n';
  const findings = runRules(modelOf(text), text, config, { rules: [lineFlagRule('a'), lineFlagRule('b')] });
  assert.deepEqual(findings.map((finding) => `${finding.range.start.line}:${finding.ruleId}`), ['0:b', '1:b']);
});

test('unknown rule ids in suppressions are reported where they are written, with a suggestion for typos', () => {
  const text = 'flag  # dagstudio: ignore[a, dag-cycles, zzz]\n';
  const rules = [lineFlagRule('a'), lineFlagRule('dag-cycle'), unknownSuppression];
  const findings = runRules(modelOf(text), text, config, { rules }).filter((finding) => finding.ruleId === 'unknown-suppression');
  assert.equal(findings.length, 2);
  assert.match(findings[0]!.message, /"dag-cycles".*did you mean "dag-cycle"/);
  assert.equal(text.slice(findings[0]!.range.start.character, findings[0]!.range.end.character), 'dag-cycles');
  assert.match(findings[1]!.message, /Unknown rule "zzz"/);
});

test('a rule that throws loses only its own findings and is reported to the caller', () => {
  const text = 'flag\n';
  const broken: Rule = { ...lineFlagRule('broken'), check: () => { throw new Error('boom'); } };
  const errors: string[] = [];
  const findings = runRules(modelOf(text), text, config, { rules: [broken, lineFlagRule('fine')], onRuleError: (id) => errors.push(id) });
  assert.deepEqual(findings.map((finding) => finding.ruleId), ['fine']);
  assert.deepEqual(errors, ['broken']);
});

test('files that never import airflow get no findings', () => {
  const text = 'flag\n';
  assert.deepEqual(runRules(modelOf(text, { importsAirflow: false }), text, config, { rules: [lineFlagRule('a')] }), []);
});

test('formatMessage leaves unknown placeholders visible', () => {
  assert.equal(formatMessage('{a} and {b}', { a: 1 }), '1 and {b}');
});

test('a version-dependent default level applies unless the user set one', () => {
  const text = 'flag\n';
  const rule = lineFlagRule('v', { defaultSeverity: 'hint', defaultSeverityByVersion: { 3: 'warning' } });
  const severityFor = (airflowVersion: 2 | 3, rules: AnalysisConfig['rules'] = {}) =>
    runRules(modelOf(text), text, { airflowVersion, rules, options: {} }, { rules: [rule] })[0]?.severity;
  assert.equal(severityFor(2), 'hint');
  assert.equal(severityFor(3), 'warning');
  assert.equal(severityFor(3, { v: 'error' }), 'error');
});

test('a bare ignore-file silences every rule in the file', () => {
  const text = 'flag one\n# dagstudio: ignore-file\nflag two\n';
  assert.deepEqual(runRules(modelOf(text), text, config, { rules: [lineFlagRule('a'), lineFlagRule('b')] }), []);
});

test('a rule reports one finding per place, however many DAGs share the code', () => {
  const text = 'flag\n';
  const twice: Rule = {
    ...lineFlagRule('twice'),
    check(context) {
      for (const dag of ['a', 'b']) context.report({ messageId: 'flagged', args: { what: dag, limit: 0 }, range: range(0, 0, 4) });
    },
  };
  const findings = runRules(modelOf(text), text, config, { rules: [twice] });
  assert.deepEqual(findings.map((finding) => finding.message), ['flagged a with 0']);
});
