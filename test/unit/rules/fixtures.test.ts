import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { allRules } from '../../../server/src/rules/index';
import { compareWithExpectations, expectationsOf, listFixtures, runFixtureText } from './fixture-harness';
import { renderSnapshot } from './snapshot';

/**
 * Every `test/fixtures/rules/<rule-id>/*.py`: findings must match the inline expectations exactly.
 * Where `<fixture>.snap` exists it must match too; `UPDATE_SNAPSHOTS` (re)writes snapshots for the
 * fixtures that have findings.
 */
const updateRequest = process.env['UPDATE_SNAPSHOTS'] ?? '';
/** `UPDATE_SNAPSHOTS=1` updates every snapshot; `UPDATE_SNAPSHOTS=dag-cycle,heavy-xcom` only those rules' folders. */
const updating = (ruleId: string) => updateRequest === '1' || updateRequest.split(',').includes(ruleId);

for (const fixture of listFixtures()) {
  test(`fixture ${fixture.name}`, async () => {
    const { file, findings, setup } = await runFixtureText(fixture, fixture.text);
    const problems = compareWithExpectations(fixture, findings, expectationsOf(file));
    assert.deepEqual(problems, [], `\n${problems.join('\n')}`);

    if (!setup.snapshot) return;
    const snapshotFile = fixture.file.replace(/\.py$/, '.snap');
    const snapshot = renderSnapshot(fixture.text, findings);
    if (updating(fixture.ruleId)) {
      if (findings.length > 0) fs.writeFileSync(snapshotFile, snapshot);
    } else if (fs.existsSync(snapshotFile)) {
      assert.equal(snapshot, fs.readFileSync(snapshotFile, 'utf8'), `${fixture.name}: snapshot differs (UPDATE_SNAPSHOTS=1 to accept)`);
    }
  });
}

test('every registered rule has a fixture folder', () => {
  const folders = new Set(listFixtures().map((fixture) => fixture.ruleId));
  const missing = allRules.map((rule) => rule.meta.id).filter((id) => !folders.has(id));
  assert.deepEqual(missing, [], `rules without fixtures under test/fixtures/rules/: ${missing.join(', ')}`);
});
