import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { compileQuery, loadPython } from '../../../server/src/analyzer/parser';

test('every analyzer query compiles against the Python grammar', async () => {
  const language = await loadPython();
  const dir = path.join(process.cwd(), 'server', 'src', 'analyzer', 'queries');
  const files = fs.readdirSync(dir).filter((name) => name.endsWith('.scm'));
  assert.ok(files.length > 0);
  for (const file of files) {
    const query = compileQuery(language, fs.readFileSync(path.join(dir, file), 'utf8'));
    assert.ok(query.captureNames.length > 0, `${file} captures something`);
  }
});
