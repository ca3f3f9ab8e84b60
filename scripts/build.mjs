// Bundles the extension client, the language server, the CLI and the webview into dist/,
// and copies the tree-sitter wasm files next to the bundles that load them.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

// web-tree-sitter's ESM build reads `import.meta.url`, which a CommonJS bundle lacks: bundle its CommonJS build.
const nodeTarget = {
  platform: 'node', format: 'cjs', target: 'node18', bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', loader: { '.scm': 'text' },
  alias: { 'web-tree-sitter': './node_modules/web-tree-sitter/tree-sitter.cjs' },
};

// `import source from 'pkg/file.js?text'` bundles a file's contents as a string: the graph webview
// starts its layout worker from the inlined elkjs worker script.
const textImports = {
  name: 'text-imports',
  setup(build) {
    build.onResolve({ filter: /\?text$/ }, async (args) => {
      const resolved = await build.resolve(args.path.slice(0, -'?text'.length), { kind: args.kind, resolveDir: args.resolveDir });
      return resolved.errors.length > 0 ? { errors: resolved.errors } : { path: resolved.path, namespace: 'text-import' };
    });
    build.onLoad({ filter: /.*/, namespace: 'text-import' }, async (args) => ({ contents: await fs.promises.readFile(args.path, 'utf8'), loader: 'text' }));
  },
};

const builds = [
  { ...nodeTarget, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client/extension.js', external: ['vscode'] },
  { ...nodeTarget, entryPoints: ['server/src/lsp/main.ts'], outfile: 'dist/server/server.js' },
  { ...nodeTarget, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli/dagstudio.js', banner: { js: '#!/usr/bin/env node' } },
  {
    platform: 'browser', format: 'iife', target: 'es2022', bundle: true, sourcemap: !production, minify: production, logLevel: 'warning',
    entryPoints: ['webview/src/main.ts'], outfile: 'dist/webview/main.js', loader: { '.css': 'css' }, plugins: [textImports],
  },
];

function copyWasm() {
  const files = [
    ['node_modules/web-tree-sitter/tree-sitter.wasm', 'tree-sitter.wasm'],
    ['node_modules/tree-sitter-python/tree-sitter-python.wasm', 'tree-sitter-python.wasm'],
  ];
  for (const dir of ['dist/server', 'dist/cli']) {
    fs.mkdirSync(path.join(root, dir), { recursive: true });
    for (const [from, to] of files) fs.copyFileSync(path.join(root, from), path.join(root, dir, to));
  }
}

process.chdir(root);
if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
  copyWasm();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
  copyWasm();
  fs.chmodSync(path.join(root, 'dist/cli/dagstudio.js'), 0o755);
}
