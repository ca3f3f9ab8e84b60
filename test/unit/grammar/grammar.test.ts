import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';

/**
 * Grammar tests in the style of `vscode-tmgrammar-test`. Each `test/fixtures/grammar/*.py` starts with
 *
 *   # SYNTAX TEST "source.python" "description"
 *
 * and under any source line, comment lines mark columns with `^` (or `<-` for column 0) followed by the
 * scopes every marked token must have; scopes after ` - ` must be absent:
 *
 *   bash_command = "run.sh {{ ds }}"
 *   #                         ^^ meta.embedded.jinja.expression variable.other.jinja
 *   fmt = f"{{ ds }}"
 *   #           ^^ - meta.embedded.jinja.expression
 *
 * The file is tokenized with VS Code's Python grammar (MagicPython, from tm-grammars) and the
 * extension's injection grammar, exactly as VS Code would combine them.
 */
const root = process.cwd();
const FIXTURES = path.join(root, 'test', 'fixtures', 'grammar');
const INJECTION = path.join(root, 'syntaxes', 'jinja-in-python.tmLanguage.json');
const INJECTION_SCOPE = 'dagstudio.jinja.injection';

async function loadRegistry(): Promise<textmate.Registry> {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const onigLib = Promise.resolve({
    createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
    createOnigString: (text: string) => new oniguruma.OnigString(text),
  });
  const grammars: Record<string, string> = {
    'source.python': require.resolve('tm-grammars/grammars/python.json'),
    [INJECTION_SCOPE]: INJECTION,
  };
  return new textmate.Registry({
    onigLib,
    loadGrammar: async (scopeName) => {
      const file = grammars[scopeName];
      return file ? textmate.parseRawGrammar(fs.readFileSync(file, 'utf8'), file) : null;
    },
    getInjections: (scopeName) => (scopeName === 'source.python' ? [INJECTION_SCOPE] : undefined),
  });
}

interface Assertion {
  /** 1-based line of the assertion, for messages. */
  line: number;
  sourceLine: number;
  columns: number[];
  scopes: string[];
  absent: string[];
}

const HEADER = /^#\s*SYNTAX TEST\s+"([^"]+)"/;
const MARKERS = /^(\s*#)(\s*)(\^+|<-+)\s*(.*)$/;

function parseAssertions(lines: string[]): { sourceLines: Set<number>; assertions: Assertion[] } {
  const sourceLines = new Set<number>();
  const assertions: Assertion[] = [];
  let lastSource = -1;
  lines.forEach((text, index) => {
    if (index === 0 && HEADER.test(text)) return;
    const match = MARKERS.exec(text);
    if (!match || lastSource < 0) {
      sourceLines.add(index);
      lastSource = index;
      return;
    }
    const [, hash, gap, markers, rest] = match as unknown as [string, string, string, string, string];
    const start = markers.startsWith('<') ? 0 : hash.length + gap.length;
    const count = markers.startsWith('<') ? markers.length - 1 : markers.length;
    const [present, absent] = rest.includes(' - ') || rest.startsWith('- ') ? splitOnce(rest) : [rest, ''];
    assertions.push({
      line: index + 1,
      sourceLine: lastSource,
      columns: Array.from({ length: count }, (_, offset) => start + offset),
      scopes: present.split(/\s+/).filter(Boolean),
      absent: absent.split(/\s+/).filter(Boolean),
    });
  });
  return { sourceLines, assertions };
}

function splitOnce(rest: string): [string, string] {
  const at = rest.startsWith('- ') ? 0 : rest.indexOf(' - ');
  return [rest.slice(0, at), rest.slice(at + (at === 0 ? 2 : 3))];
}

function scopesAt(tokens: textmate.IToken[], column: number): string[] {
  return tokens.find((token) => token.startIndex <= column && column < token.endIndex)?.scopes ?? [];
}

const fixtures = fs.existsSync(FIXTURES) ? fs.readdirSync(FIXTURES).filter((name) => name.endsWith('.py')).sort() : [];
const registryPromise = loadRegistry();

test('the injection grammar is valid JSON, named, and injected into Python strings only', () => {
  const grammar = JSON.parse(fs.readFileSync(INJECTION, 'utf8'));
  assert.equal(grammar.scopeName, INJECTION_SCOPE);
  assert.match(grammar.injectionSelector, /meta\.fstring\.python/);
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const contribution = (manifest.contributes.grammars ?? []).find((entry: { scopeName: string }) => entry.scopeName === INJECTION_SCOPE);
  assert.ok(contribution, 'package.json contributes the injection grammar');
  assert.deepEqual(contribution.injectTo, ['source.python']);
  assert.equal(path.resolve(root, contribution.path), INJECTION);
});

test('there are grammar fixtures', () => {
  assert.ok(fixtures.length > 0, `no *.py files in ${path.relative(root, FIXTURES)}`);
});

for (const name of fixtures) {
  test(`grammar fixture ${name}`, async () => {
    const registry = await registryPromise;
    const grammar = await registry.loadGrammar('source.python');
    assert.ok(grammar);
    const lines = fs.readFileSync(path.join(FIXTURES, name), 'utf8').split(/\r?\n/);
    const { assertions } = parseAssertions(lines);
    assert.ok(assertions.length > 0, `${name} has assertions`);
    const tokensByLine: textmate.IToken[][] = [];
    let state = textmate.INITIAL;
    for (const line of lines) {
      const result = grammar.tokenizeLine(line, state);
      tokensByLine.push(result.tokens);
      state = result.ruleStack;
    }
    const failures: string[] = [];
    for (const assertion of assertions) {
      for (const column of assertion.columns) {
        const scopes = scopesAt(tokensByLine[assertion.sourceLine]!, column);
        const missing = assertion.scopes.filter((scope) => !scopes.some((actual) => actual === scope || actual.startsWith(`${scope}.`)));
        const unwanted = assertion.absent.filter((scope) => scopes.some((actual) => actual === scope || actual.startsWith(`${scope}.`)));
        if (missing.length > 0 || unwanted.length > 0) {
          failures.push(`${name}:${assertion.line} column ${column} of line ${assertion.sourceLine + 1}: ` +
            `${missing.length ? `missing ${missing.join(' ')}` : ''}${unwanted.length ? ` unwanted ${unwanted.join(' ')}` : ''}; actual: ${scopes.join(' ')}`);
          break;
        }
      }
    }
    assert.deepEqual(failures, []);
  });
}
