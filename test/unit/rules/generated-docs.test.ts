import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { REPOSITORY_URL, ruleDocsUrl } from '../../../server/src/rules/docs-url';
import { generatedDocs, isGeneratedSettingKey, settingsProperties } from '../../../server/src/rules/generated-docs';
import { allRules } from '../../../server/src/rules/index';

const root = process.cwd();
const stale = 'is stale: run `npm run gen` and commit the result';

test('docs/rules pages and index match the rules\' metadata', () => {
  for (const [relative, expected] of generatedDocs(allRules)) {
    const file = path.join(root, relative);
    assert.ok(fs.existsSync(file), `${relative} is missing: run \`npm run gen\``);
    assert.equal(fs.readFileSync(file, 'utf8'), expected, `${relative} ${stale}`);
  }
  const pages = fs.readdirSync(path.join(root, 'docs/rules')).filter((name) => name.endsWith('.md') && name !== 'README.md');
  const known = new Set(allRules.map((rule) => `${rule.meta.id}.md`));
  assert.deepEqual(pages.filter((page) => !known.has(page)), [], 'docs/rules has pages of rules that no longer exist');
});

test('the docs index links every rule', () => {
  const index = generatedDocs(allRules).get('docs/rules/README.md')!;
  for (const { meta } of allRules) assert.ok(index.includes(`](${meta.id}.md)`), `${meta.id} is missing from the docs index`);
});

test('the settings schema in package.json matches the rules\' metadata', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const properties: Record<string, unknown> = manifest.contributes.configuration.properties;
  const committed = Object.fromEntries(Object.entries(properties).filter(([key]) => isGeneratedSettingKey(key)));
  assert.deepEqual(committed, settingsProperties(allRules), `package.json contributes.configuration ${stale}`);
});

test('docs links point into the repository named in package.json', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  assert.equal(REPOSITORY_URL, String(manifest.repository.url).replace(/\.git$/, ''));
  assert.equal(ruleDocsUrl('dag-cycle'), `${REPOSITORY_URL}/blob/main/docs/rules/dag-cycle.md`);
});

test('every rule has complete metadata: a kebab-case id, messages, docs and option descriptions', () => {
  const ids = new Set<string>();
  for (const { meta } of allRules) {
    assert.match(meta.id, /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, `${meta.id}: not kebab-case`);
    assert.ok(!ids.has(meta.id), `${meta.id}: registered twice`);
    ids.add(meta.id);
    assert.ok(meta.summary.length > 10 && !meta.summary.includes('\n'), `${meta.id}: summary must be one line`);
    assert.ok(Object.keys(meta.messages).length > 0, `${meta.id}: no messages`);
    for (const field of ['whatItDoes', 'whyIsThisBad', 'example', 'useInstead'] as const) {
      assert.ok(meta.docs[field].trim().length > 0, `${meta.id}: docs.${field} is empty`);
    }
    if (meta.fix !== 'none') assert.ok(meta.docs.fixSafety, `${meta.id}: has a fix but no docs.fixSafety`);
    for (const [name, option] of Object.entries(meta.options ?? {})) {
      assert.equal(typeof option.default, option.type, `${meta.id}.${name}: default does not match its type`);
      assert.ok(option.description.length > 0, `${meta.id}.${name}: no description`);
    }
  }
});
