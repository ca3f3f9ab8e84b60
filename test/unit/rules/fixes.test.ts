import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyFixes } from '../../../server/src/rules/apply-fixes';
import type { Finding } from '../../../server/src/rules/rule';
import { listFixtures, runFixtureText, type Fixture } from './fixture-harness';

/**
 * For every fix that any fixture's findings offer: the fixed text parses without syntax errors, the
 * targeted finding is gone, no rule — any rule, not only the fixture's — reports more than before,
 * and a second round of fixing changes nothing.
 */
const signature = (finding: Finding) => `${finding.ruleId}: ${finding.message}`;

function countBy(findings: readonly Finding[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const finding of findings) counts.set(signature(finding), (counts.get(signature(finding)) ?? 0) + 1);
  return counts;
}

function countByRule(findings: readonly Finding[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const finding of findings) counts.set(finding.ruleId, (counts.get(finding.ruleId) ?? 0) + 1);
  return counts;
}

async function checkEachFix(fixture: Fixture): Promise<void> {
  const before = await runFixtureText(fixture, fixture.text);
  const beforeCounts = countBy(before.allFindings);
  const beforeByRule = countByRule(before.allFindings);
  for (const finding of before.findings) {
    for (const fix of finding.fixes) {
      const where = `${fixture.name}:${finding.range.start.line + 1} "${fix.title}"`;
      const fixed = applyFixes(fixture.text, [fix]).text;
      assert.notEqual(fixed, fixture.text, `${where}: the fix changes nothing`);
      const after = await runFixtureText(fixture, fixed);
      if (before.file.syntaxErrors.length === 0) {
        assert.deepEqual(after.file.syntaxErrors.map((error) => error.message), [], `${where}: the fixed code has syntax errors:\n${fixed}`);
      }
      const afterCounts = countBy(after.allFindings);
      assert.ok((afterCounts.get(signature(finding)) ?? 0) < beforeCounts.get(signature(finding))!, `${where}: the finding is still there:\n${fixed}`);
      // Per rule, across every rule: a fix may change another finding's wording (a count, a
      // default_args that now exists) but must not make any rule report more than before.
      const afterByRule = countByRule(after.allFindings);
      for (const [ruleId, count] of afterByRule) {
        const previously = beforeByRule.get(ruleId) ?? 0;
        const newOnes = after.allFindings.filter((candidate) => candidate.ruleId === ruleId && !beforeCounts.has(signature(candidate)));
        assert.ok(count <= previously, `${where}: a new ${ruleId} finding appeared: ${newOnes.map((candidate) => candidate.message).join(' | ')}\n${fixed}`);
      }
    }
  }
}

async function checkFixAll(fixture: Fixture): Promise<void> {
  let text = fixture.text;
  for (let round = 0; round < 5; round++) {
    const { findings } = await runFixtureText(fixture, text);
    const next = applyFixes(text, findings.flatMap((finding) => finding.fixes.filter((fix) => fix.safe))).text;
    if (next === text) return;
    text = next;
  }
  assert.fail(`${fixture.name}: applying the safe fixes does not settle after 5 rounds`);
}

for (const fixture of listFixtures()) {
  test(`fixes in ${fixture.name}`, async () => {
    await checkEachFix(fixture);
    await checkFixAll(fixture);
  });
}
