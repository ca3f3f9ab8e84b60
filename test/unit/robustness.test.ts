import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyze, INTERNAL_ERROR_PREFIX } from '../../server/src/analyzer/analyze';
import type { FileModel, Range } from '../../server/src/analyzer/model';
import { createPythonParser, parsePython } from '../../server/src/analyzer/parser';
import { seededRandom } from './random';

/**
 * Feeds the analyzer thousands of damaged inputs — the model fixtures mutated and truncated at random,
 * and random bytes — from a seeded generator, so failures reproduce. The analyzer must never throw,
 * must answer each input within a second, and every range it reports must lie inside the document.
 */

const TOKENS = ['(', ')', '[', ']', '{', '}', ':', ',', '>>', '<<', '"', "'", 'f"', '"""', '\n', '\n    ', '    ', '\t', '#', '\\', '@task', '@dag',
  'with DAG(', 'TaskGroup(', 'chain(', 'for i in range(3):', 'def f(x):', 'return ', 'task_id=', 'lambda: ', '**', '*', '=', '.', 'é', '😀', '\r\n', '\0'];

function mutate(text: string, random: () => number): string {
  let result = text;
  const edits = 1 + Math.floor(random() * 6);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(random() * (result.length + 1));
    const choice = random();
    if (choice < 0.3) {
      const length = Math.floor(random() * 40);
      result = result.slice(0, at) + result.slice(at + length);
    } else if (choice < 0.6) {
      result = result.slice(0, at) + TOKENS[Math.floor(random() * TOKENS.length)] + result.slice(at);
    } else if (choice < 0.75) {
      result = result.slice(0, at);
    } else if (choice < 0.9) {
      const from = Math.floor(random() * result.length);
      const length = Math.floor(random() * 200);
      result = result.slice(0, at) + result.slice(from, from + length) + result.slice(at);
    } else {
      result = result.slice(0, at) + String.fromCharCode(Math.floor(random() * 0x3000)) + result.slice(at);
    }
  }
  return result;
}

function randomText(random: () => number): string {
  const length = Math.floor(random() * 400);
  let text = random() < 0.5 ? 'from airflow import DAG\n' : '';
  for (let i = 0; i < length; i++) {
    text += random() < 0.3 ? TOKENS[Math.floor(random() * TOKENS.length)] : String.fromCharCode(Math.floor(random() * 256));
  }
  return text;
}

function lineLengths(text: string): number[] {
  return text.split('\n').map((line) => line.length);
}

function checkRange(range: Range, lengths: number[], where: string): void {
  for (const position of [range.start, range.end]) {
    assert.ok(position.line >= 0 && position.line < lengths.length, `${where}: line ${position.line} outside 0..${lengths.length - 1}`);
    assert.ok(position.character >= 0 && position.character <= lengths[position.line]!, `${where}: character ${position.character} beyond line ${position.line}`);
  }
  assert.ok(range.start.line < range.end.line || (range.start.line === range.end.line && range.start.character <= range.end.character), `${where}: range ends before it starts`);
}

/** Walks the whole model and checks every object that looks like a range. */
function checkAllRanges(model: FileModel, text: string): void {
  const lengths = lineLengths(text);
  const seen = new Set<unknown>();
  const visit = (value: unknown, where: string, depth: number) => {
    if (depth > 40 || value === null || typeof value !== 'object' || seen.has(value)) return;
    seen.add(value);
    const record = value as Record<string, unknown>;
    if ('start' in record && 'end' in record && typeof (record['start'] as { line?: unknown })?.line === 'number') {
      checkRange(record as unknown as Range, lengths, where);
      return;
    }
    for (const [key, child] of Object.entries(record)) visit(child, `${where}.${key}`, depth + 1);
  };
  visit(model, 'model', 0);
  assert.equal(model.lineCount, lengths.length);
}

const fixtureDir = path.join(process.cwd(), 'test', 'fixtures', 'model');
const samplePath = path.join(process.cwd(), 'samples', 'example_pipeline.py');
const seeds = fs.readdirSync(fixtureDir).filter((name) => name.endsWith('.py')).map((name) => fs.readFileSync(path.join(fixtureDir, name), 'utf8'));
if (fs.existsSync(samplePath)) seeds.push(fs.readFileSync(samplePath, 'utf8'));

const MUTATIONS_PER_SEED = Math.ceil(2400 / Math.max(1, seeds.length));
const RANDOM_INPUTS = 600;

test('the analyzer survives thousands of damaged inputs, quickly, with ranges inside the document', async () => {
  const parser = await createPythonParser();
  const random = seededRandom(20240517);
  const inputs: string[] = [];
  for (const seed of seeds) for (let i = 0; i < MUTATIONS_PER_SEED; i++) inputs.push(mutate(seed, random));
  for (let i = 0; i < RANDOM_INPUTS; i++) inputs.push(randomText(random));
  assert.ok(inputs.length >= 2000);
  let slowest = 0;
  for (const [index, text] of inputs.entries()) {
    const started = performance.now();
    let model: FileModel;
    const tree = parsePython(parser, text);
    try {
      model = analyze(tree, text);
    } catch (error) {
      assert.fail(`input #${index} threw ${(error as Error).stack}\n---\n${text.slice(0, 2000)}`);
    } finally {
      tree.delete();
    }
    const elapsed = performance.now() - started;
    slowest = Math.max(slowest, elapsed);
    const internal = model.dynamic.find((note) => note.reason.startsWith(INTERNAL_ERROR_PREFIX));
    assert.equal(internal, undefined, `input #${index}: ${internal?.reason}\n---\n${text.slice(0, 2000)}`);
    assert.ok(elapsed < 1000, `input #${index} took ${elapsed.toFixed(0)} ms`);
    try {
      checkAllRanges(model, text);
    } catch (error) {
      assert.fail(`input #${index}: ${(error as Error).message}\n---\n${text.slice(0, 2000)}`);
    }
  }
});

test('pathological nesting and huge literal loops stay bounded', async () => {
  const parser = await createPythonParser();
  const inputs = [
    `from airflow import DAG\nx = ${'('.repeat(5000)}1${')'.repeat(5000)}\n`,
    `from airflow import DAG\nx = ${'['.repeat(3000)}\n`,
    `from airflow import DAG\nfrom airflow.operators.empty import EmptyOperator\nwith DAG("d") as d:\n    for i in range(10**9):\n        EmptyOperator(task_id=f"t{i}")\n`,
    `from airflow import DAG\nfrom airflow.operators.empty import EmptyOperator\ndef f(n):\n    return f(n + 1)\nwith DAG("d") as d:\n    f(0)\n`,
    `from airflow import DAG\nfrom airflow.operators.empty import EmptyOperator\nwith DAG("d") as d:\n    for a in range(1000):\n        for b in range(1000):\n            for c in range(1000):\n                EmptyOperator(task_id=f"t{a}_{b}_{c}")\n`,
    `from airflow import DAG\n${'a >> '.repeat(3000)}b\n`,
  ];
  for (const text of inputs) {
    const started = performance.now();
    const tree = parsePython(parser, text);
    const model = analyze(tree, text);
    tree.delete();
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 3000, `bounded: ${text.slice(0, 80)} took ${elapsed.toFixed(0)} ms`);
    checkAllRanges(model, text);
  }
});
