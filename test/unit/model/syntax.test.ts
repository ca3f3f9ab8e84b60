import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { createPythonParser, parsePython, type Node } from '../../../server/src/analyzer/parser';
import { LineIndex, lowerTree, type Syn } from '../../../server/src/analyzer/syntax';
import { directWalksInUse, withPublicCursor } from '../../../server/src/analyzer/treeWalk';
import { seededRandom } from '../random';

/**
 * The syntax copy reads some ranges from the text instead of the tree (names, `True`/`False`/`None`)
 * and takes the rest from the tree. Every copied node must have exactly the type and range tree-sitter
 * gives it.
 */

function pythonFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? pythonFiles(full) : entry.name.endsWith('.py') ? [full] : [];
  });
}

/** Walks the copy and the tree side by side; the copy keeps named nodes only, minus comments and plain string pieces. */
function compare(syn: Syn, node: Node, where: string): number {
  assert.equal(syn.type, node.type, `${where}: type`);
  assert.deepEqual([syn.start, syn.end], [node.startIndex, node.endIndex], `${where}: range of ${node.type} '${node.text.slice(0, 40)}'`);
  if (syn.children.length === 0) return 1;
  // Of a string's pieces, only f-string interpolations are copied.
  const named = node.namedChildren.filter((child): child is Node => child !== null && child.type !== 'comment'
    && (node.type !== 'string' || child.type === 'interpolation'));
  assert.equal(syn.children.length, named.length, `${where}: children of ${node.type}`);
  let compared = 1;
  syn.children.forEach((child, index) => { compared += compare(child, named[index]!, `${where} > ${child.type}`); });
  return compared;
}

test('the syntax copy has the ranges tree-sitter gives, names and keywords included', async () => {
  const parser = await createPythonParser();
  const files = pythonFiles(path.join(process.cwd(), 'test', 'fixtures'));
  const extra = [
    'nom_é = 1',
    'x = nom_é + True + None',
    'ß = False',
    '@dag(schedule=None,  # daily later',
    '     tags=["a", "b",],)',
    'def build(a: int = 1, *args, b: "str" = "x", **kwargs) -> None:',
    '    rows = data[1:2, ::3][-1]',
    '    total = (a  # first',
    '             + b) \\',
    '        * 2',
    '    label = f"{total:>{width}} {rows!r:02d} {{literal}}"',
    '    pick = {k: v for k, v in pairs if v} | {*rows} or [x async for x in it]',
    '    return lambda y=1: not y if y else -y',
    '',
  ].join('\n');
  let compared = 0;
  for (const [name, text] of [...files.map((file) => [file, fs.readFileSync(file, 'utf8')]), ['constructs', extra]] as [string, string][]) {
    const tree = parsePython(parser, text);
    try {
      if (tree.rootNode.hasError) {
        assert.notEqual(name, 'constructs', 'the constructs sample must parse without errors');
        continue;
      }
      compared += compare(lowerTree(tree, text, false).root, tree.rootNode, path.basename(name));
    } finally {
      tree.delete();
    }
  }
  assert.ok(compared > 10_000, `only ${compared} nodes compared`);
});

test('walking the tree through the runtime directly copies what the public cursor copies, errors and comments included', async () => {
  const parser = await createPythonParser();
  assert.ok(directWalksInUse(), 'this runtime supports direct walks: the syntax copy must use them');
  const random = seededRandom(7);
  const texts = pythonFiles(path.join(process.cwd(), 'test', 'fixtures')).map((file) => fs.readFileSync(file, 'utf8'));
  // Broken versions too: missing tokens, ERROR nodes and statements with errors take other paths.
  const broken = texts.slice(0, 40).flatMap((text) => {
    const cut = Math.floor(random() * text.length);
    const at = Math.floor(random() * text.length);
    return [text.slice(0, cut), `${text.slice(0, at)}(${text.slice(at)}`, `${text.slice(0, at)}:\n  ]${text.slice(at)}`];
  });
  let withErrors = 0;
  for (const text of [...texts, ...broken]) {
    const tree = parsePython(parser, text);
    try {
      if (tree.rootNode.hasError) withErrors++;
      const direct = JSON.stringify(lowerTree(tree, text, false), withoutLoweringNumber);
      assert.equal(withPublicCursor(() => JSON.stringify(lowerTree(tree, text, false), withoutLoweringNumber)), direct);
    } finally {
      tree.delete();
    }
  }
  assert.ok(withErrors > 50, `only ${withErrors} texts with errors`);
});

/** Each lowering numbers the statements it makes; two lowerings of one text differ only there. */
function withoutLoweringNumber(key: string, value: unknown): unknown {
  return key === 'placedIn' ? undefined : value;
}

test('a line index says an offset is at a position exactly when it computes that position for it', () => {
  const text = 'a = 1\n\n    b = "\u{1F600}x"\r\nc\n';
  const lines = new LineIndex(text);
  const positions: { line: number; character: number }[] = [];
  for (let line = 0; line <= lines.lineCount; line++) for (let character = 0; character < 14; character++) positions.push({ line, character });
  for (let offset = 0; offset <= text.length; offset++) {
    const computed = lines.position(offset);
    for (const position of positions) {
      const expected = position.line === computed.line && position.character === computed.character;
      assert.equal(lines.isAt(position, offset), expected, `offset ${offset} at ${position.line}:${position.character}`);
    }
  }
  assert.equal(lines.isAt({ line: 0, character: 0 }, text.length + 1), false);
});
