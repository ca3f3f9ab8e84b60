// Transpiles every test and benchmark TypeScript file on its own into out/, keeping packages external,
// so one unfinished file elsewhere never stops the others from running (types are checked by `tsc`).
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function findTs(dir, out = []) {
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'fixtures' && entry.name !== 'node_modules') findTs(full, out);
    } else if (/\.test\.ts$|\.bench\.ts$/.test(entry.name)) {
      out.push(full);
    }
  }
  return out;
}

const entryPoints = [...findTs(path.join(root, 'test')), ...findTs(path.join(root, 'bench'))];
fs.rmSync(path.join(root, 'out'), { recursive: true, force: true });
await esbuild.build({
  entryPoints,
  outdir: path.join(root, 'out'),
  outbase: root,
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'inline',
  logLevel: 'warning',
  loader: { '.scm': 'text' },
});
