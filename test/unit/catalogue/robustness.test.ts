import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Range } from '../../../server/src/analyzer/model';
import { analyzeSource } from '../../../server/src/analyzer/analyze';
import { runRules } from '../../../server/src/rules/engine';
import { allRules } from '../../../server/src/rules/index';

/**
 * Half-typed code is the normal state of a file in the editor. Every rule runs over truncated and
 * garbled versions of the rule fixtures and the quiet corpus: none may throw, and every finding and
 * every fix edit must lie inside the document.
 */
const root = process.cwd();
const sources = [
  ...fs.readdirSync(path.join(root, 'test/fixtures/quiet')).map((name) => path.join(root, 'test/fixtures/quiet', name)),
  ...fs.readdirSync(path.join(root, 'test/fixtures/rules')).flatMap((folder) => {
    const dir = path.join(root, 'test/fixtures/rules', folder);
    return fs.statSync(dir).isDirectory() ? fs.readdirSync(dir).map((name) => path.join(dir, name)) : [];
  }),
].filter((file) => file.endsWith('.py'));

/** A deterministic pseudo-random sequence, so failures reproduce. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function variants(text: string, next: () => number): string[] {
  const out: string[] = [];
  for (let index = 0; index < 2; index++) out.push(text.slice(0, Math.floor(next() * text.length)));
  for (let index = 0; index < 3; index++) {
    const at = Math.floor(next() * text.length);
    const junk = ['(', ')', '"', "'", '>>', ':', '\n    ', '{{', ',', '#'][Math.floor(next() * 10)]!;
    out.push(text.slice(0, at) + junk + text.slice(at + Math.floor(next() * 8)));
  }
  return out;
}

function inside(range: Range, lineCount: number): boolean {
  return range.start.line >= 0 && range.end.line < lineCount && (range.start.line < range.end.line
    || (range.start.line === range.end.line && range.start.character <= range.end.character));
}

test('rules never throw and stay inside the document on broken input', async () => {
  const next = random(20260126);
  for (const file of sources) {
    const original = fs.readFileSync(file, 'utf8');
    for (const text of variants(original, next)) {
      const model = await analyzeSource(text);
      const lineCount = text.split(/\r\n|\n|\r/).length;
      for (const airflowVersion of [2, 3] as const) {
        const findings = runRules(model, text, { airflowVersion, rules: {}, options: {} }, {
          rules: allRules,
          onRuleError: (ruleId, error) => assert.fail(`${ruleId} threw on a variant of ${path.basename(file)}: ${String(error)}\n${text}`),
        });
        for (const finding of findings) {
          assert.ok(inside(finding.range, lineCount), `${finding.ruleId} reported outside ${path.basename(file)}`);
          for (const fix of finding.fixes) {
            for (const edit of fix.edits) assert.ok(inside(edit.range, lineCount), `${finding.ruleId} fix edits outside ${path.basename(file)}`);
          }
        }
      }
    }
  }
});
