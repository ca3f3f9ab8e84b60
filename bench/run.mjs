// Runs every compiled benchmark (out/bench/**/*.bench.js, built by `npm run bench` from bench/**/*.bench.ts)
// one after another, each in its own Node process so one benchmark's heap never skews the next.
//   node bench/run.mjs                 all benchmarks
//   node bench/run.mjs lsp analysis    only those whose file name contains one of the words
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

function findBenchmarks(dir, out = []) {
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) findBenchmarks(full, out);
    else if (entry.name.endsWith('.bench.js')) out.push(full);
  }
  return out.sort();
}

const filters = process.argv.slice(2);
const benchmarks = findBenchmarks(path.join('out', 'bench')).filter((file) => filters.length === 0 || filters.some((word) => path.basename(file).includes(word)));
if (benchmarks.length === 0) {
  console.error('No benchmarks found in out/bench/ (run `npm run bench`, which builds them first).');
  process.exit(2);
}

const [load1] = os.loadavg();
console.log(`Airflow DAG Studio benchmarks — Node ${process.version}, ${os.cpus().length} CPU(s) ${os.cpus()[0]?.model ?? ''}, load average ${load1.toFixed(2)}`);
if (load1 > os.cpus().length) console.log('Note: the machine is busy (load above the CPU count); timings are inflated.');

let failed = 0;
for (const file of benchmarks) {
  console.log(`\n=== ${path.relative(path.join('out', 'bench'), file).replace(/\.js$/, '.ts')}`);
  const result = spawnSync(process.execPath, ['--expose-gc', file], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.log(`benchmark failed (exit ${result.status ?? result.signal})`);
    failed++;
  }
}
process.exit(failed > 0 ? 1 : 0);
