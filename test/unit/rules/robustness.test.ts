import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeSource } from '../../../server/src/analyzer/analyze';
import { runRules } from '../../../server/src/rules/engine';
import { listFixtures } from './fixture-harness';

/** A small deterministic generator, so a failure names a variant that can be reproduced. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const FRAGMENTS = ['(', ')', '[', ']', '{', '}', ':', ',', '>>', '<<', '"', "'", '"""', '#', '\n', '    ', '=', '.', '@task', 'DAG(', 'None', '0'];

/** Truncations and small corruptions of a fixture: what a file looks like while someone types. */
function variants(text: string, seed: number, count: number): string[] {
  const next = random(seed);
  const out: string[] = [];
  for (let index = 0; index < count; index++) {
    const at = Math.floor(next() * text.length);
    const kind = index % 3;
    if (kind === 0) out.push(text.slice(0, at));
    else if (kind === 1) out.push(text.slice(0, at) + FRAGMENTS[Math.floor(next() * FRAGMENTS.length)] + text.slice(at));
    else out.push(text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + Math.floor(next() * 20))));
  }
  return out;
}

test('no rule throws on truncated or corrupted fixtures, and every finding lies inside the document', async () => {
  const fixtures = listFixtures();
  assert.ok(fixtures.length > 0);
  for (const [position, fixture] of fixtures.entries()) {
    for (const [index, text] of variants(fixture.text, position + 1, 6).entries()) {
      const file = await analyzeSource(text);
      for (const airflowVersion of [2, 3] as const) {
        const findings = runRules(file, text, { airflowVersion, rules: {}, options: {} }, {
          onRuleError: (ruleId, error) => assert.fail(`${fixture.name} variant ${index}: ${ruleId} threw ${error instanceof Error ? error.stack : String(error)}`),
        });
        const lineCount = text.split(/\r\n|\n|\r/).length;
        for (const finding of findings) {
          assert.ok(finding.range.start.line >= 0 && finding.range.end.line < lineCount, `${fixture.name} variant ${index}: ${finding.ruleId} reports outside the document`);
        }
      }
    }
  }
});
