// Runs the test stages in order and ends with one line CI can read: `N passed, N failed`.
//   node scripts/run-tests.mjs            all stages (typecheck, build, unit, webview, e2e)
//   node scripts/run-tests.mjs unit       only the named stages
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

function findTests(dir, out = []) {
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) findTests(full, out);
    else if (entry.name.endsWith('.test.js')) out.push(path.relative(root, full));
  }
  return out.sort();
}

let passed = 0;
let failed = 0;
let broken = false;

function run(title, command, args) {
  console.log(`\n=== ${title}`);
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) {
    console.log(`${title}: failed (exit ${result.status ?? result.signal})`);
    broken = true;
    failed += 1;
    return false;
  }
  return true;
}

function nodeTests(title, dir) {
  const files = findTests(path.join('out', 'test', dir));
  if (files.length === 0) return;
  const tap = path.join('out', `${dir}.tap`);
  console.log(`\n=== ${title} (${files.length} files)`);
  const result = spawnSync(process.execPath, [
    '--test', '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...files,
  ], { stdio: 'inherit' });
  const summary = fs.existsSync(tap) ? fs.readFileSync(tap, 'utf8') : '';
  const count = (name) => Number((summary.match(new RegExp(`^# ${name} (\\d+)$`, 'm')) ?? [])[1] ?? 0);
  const stagePassed = count('pass');
  const stageFailed = count('fail') + count('cancelled');
  passed += stagePassed;
  failed += stageFailed;
  if (result.status !== 0 && stageFailed === 0) {
    broken = true;
    failed += 1;
  }
}

const stages = process.argv.slice(2);
const wants = (stage) => stages.length === 0 || stages.includes(stage);

if (wants('typecheck')) run('typecheck', process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--noEmit']);
if (wants('build') || wants('webview') || wants('e2e')) run('build', process.execPath, ['scripts/build.mjs']);
run('build tests', process.execPath, ['scripts/build-tests.mjs']);
if (wants('unit')) nodeTests('unit tests', 'unit');
if (wants('webview')) nodeTests('webview tests', 'webview');
if (wants('e2e')) nodeTests('end-to-end tests', 'e2e');

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(broken || failed > 0 ? 1 : 0);
