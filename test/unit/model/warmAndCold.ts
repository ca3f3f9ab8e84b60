import assert from 'node:assert/strict';
import { analyze, clearAnalysisCaches } from '../../../server/src/analyzer/analyze';
import { parsePython, type Parser } from '../../../server/src/analyzer/parser';

/** The model of `text` as JSON, analysed with what earlier analyses left for reuse, or cold. */
export function analyzeWith(parser: Parser, text: string, cold: boolean): string {
  if (cold) clearAnalysisCaches();
  const tree = parsePython(parser, text);
  try {
    return JSON.stringify(analyze(tree, text));
  } finally {
    tree.delete();
  }
}

/** Fails with the place where two models (as JSON) first differ, and the text they were made from. */
export function assertSameModel(warm: string, cold: string, what: string, text: string): void {
  if (warm === cold) return;
  let at = 0;
  while (warm[at] === cold[at]) at++;
  assert.fail(`${what}: models differ at ${at}\nwarm: …${warm.slice(at - 300, at + 200)}\ncold: …${cold.slice(at - 300, at + 200)}\ntext:\n${text}`);
}

/** Analyses `texts` in turn from an empty cache, each warm (after the ones before) and cold, and asserts the two agree. */
export function assertEachMatchesCold(parser: Parser, texts: string[], what: string): void {
  clearAnalysisCaches();
  for (const text of texts) {
    const warm = analyzeWith(parser, text, false);
    const cold = analyzeWith(parser, text, true);
    assertSameModel(warm, cold, what, text);
  }
}

/**
 * Analyses `texts` cold first, then in turn from an empty cache with nothing cleared between them — so
 * that each analysis may redo blocks traced by the one before — and asserts each agrees with its cold model.
 */
export function assertWarmSequenceMatchesCold(parser: Parser, texts: string[], what: string): void {
  const cold = texts.map((text) => analyzeWith(parser, text, true));
  clearAnalysisCaches();
  texts.forEach((text, index) => assertSameModel(analyzeWith(parser, text, false), cold[index]!, `${what} ${index}`, text));
}
