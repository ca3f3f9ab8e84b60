// @vscode/test-cli configuration for `npm run test:electron` (see scripts/e2e/electron.mjs, which builds
// the suite and the workspace copy this points at). Paths are absolute so the file can live here.
import { defineConfig } from '@vscode/test-cli';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export default defineConfig({
  label: 'integration',
  files: path.join(root, 'out/electron/**/*.test.js'),
  extensionDevelopmentPath: root,
  workspaceFolder: path.join(root, '.vscode-test/electron-workspace'),
  // The oldest VS Code the manifest supports, unless VSCODE_TEST_VERSION asks for another (e.g. stable).
  version: process.env.VSCODE_TEST_VERSION || '1.82.0',
  launchArgs: ['--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
  mocha: { ui: 'bdd', timeout: 60_000 },
});
