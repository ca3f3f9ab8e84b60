// Regenerates docs/rules/*.md, docs/rules/README.md and the rule settings in package.json from the
// rules' metadata. The generator is TypeScript (it shares code with the rules), so bundle it first.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outfile = path.join(root, 'out', 'scripts', 'generate.cjs');
await esbuild.build({
  entryPoints: [path.join(root, 'server/src/rules/generate.ts')],
  outfile,
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
  loader: { '.scm': 'text' },
});
const { writeGenerated } = createRequire(import.meta.url)(outfile);
const written = writeGenerated(root);
fs.rmSync(outfile, { force: true });
console.log(written.length > 0 ? `updated: ${written.join(', ')}` : 'generated files are up to date');
