// `npm run test:electron`: the integration suite (test/e2e/electron/suite.ts, mocha inside the extension
// host) in desktop VS Code through @vscode/test-cli and @vscode/test-electron. They download VS Code on
// the first run (cached in .vscode-test/), so this needs internet; offline machines and CI use
// `npm run test:e2e`, which drives code-server instead.
import { spawnSync } from 'node:child_process';
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
process.chdir(root);

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run(process.execPath, ['scripts/build.mjs']);
await esbuild.build({
  entryPoints: { 'suite.test': 'test/e2e/electron/suite.ts' },
  outdir: 'out/electron',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  external: ['vscode', 'mocha'],
  sourcemap: 'inline',
  logLevel: 'warning',
});
// A throwaway copy, so edits the suite makes never reach the fixtures.
const workspace = path.join(root, '.vscode-test/electron-workspace');
fs.rmSync(workspace, { recursive: true, force: true });
fs.cpSync(path.join(root, 'test/e2e-workspace'), workspace, { recursive: true });

run(process.execPath, ['node_modules/@vscode/test-cli/out/bin.mjs', '--config', 'scripts/e2e/vscode-test.mjs', ...process.argv.slice(2)]);
