import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyze, clearStatementCache } from '../../../server/src/analyzer/analyze';
import { createPythonParser, parsePython, type Parser } from '../../../server/src/analyzer/parser';

/**
 * Statements are copied out of the syntax tree once and reused while their text is unchanged. After
 * any edit, the model built with that cache must equal the model built from scratch.
 */

function analyzeWith(parser: Parser, text: string, cold: boolean): string {
  if (cold) clearStatementCache();
  const tree = parsePython(parser, text);
  try {
    return JSON.stringify(analyze(tree, text));
  } finally {
    tree.delete();
  }
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INSERTS = ['x', '\n', '    ', '# note\n', ')', ':', '"', 'é', '\n\n', 't >> u\n'];

test('edits analysed with the statement cache give the same model as a cold analysis', async () => {
  const parser = await createPythonParser();
  const random = mulberry32(7);
  const dir = path.join(process.cwd(), 'test', 'fixtures', 'model');
  for (const name of fs.readdirSync(dir).filter((file) => file.endsWith('.py'))) {
    let text = fs.readFileSync(path.join(dir, name), 'utf8');
    analyzeWith(parser, text, true);
    for (let edit = 0; edit < 12; edit++) {
      const at = Math.floor(random() * text.length);
      text = random() < 0.6
        ? text.slice(0, at) + INSERTS[Math.floor(random() * INSERTS.length)] + text.slice(at)
        : text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 5));
      const warm = analyzeWith(parser, text, false);
      const cold = analyzeWith(parser, text, true);
      if (warm !== cold) {
        let at = 0;
        while (warm[at] === cold[at]) at++;
        assert.fail(`${name} after edit ${edit}: models differ at ${at}\nwarm: …${warm.slice(at - 300, at + 200)}\ncold: …${cold.slice(at - 300, at + 200)}\ntext:\n${text}`);
      }
      analyzeWith(parser, text, false);
    }
  }
});
