import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { graphStylesheet, themeVariables } from '../../../server/src/graph/svg';

/** Colour literals (#abc, #aabbcc80, rgb(...), hsl(...)) that do not sit inside a var(--vscode-…, fallback). */
function bareColours(css: string): string[] {
  const withoutFallbacks = css.replace(/var\(--vscode-[\w-]+(?:,[^)]*)?\)/g, 'var()');
  return withoutFallbacks.match(/#[0-9a-fA-F]{3,8}\b|\b(?:rgb|rgba|hsl|hsla)\(/g) ?? [];
}

test('the panel chrome takes every colour from the theme', () => {
  const css = fs.readFileSync(path.join(process.cwd(), 'webview/src/main.css'), 'utf8');
  assert.deepEqual(bareColours(css), []);
  assert.ok(css.includes('var(--vscode-editor-background)'));
});

test('the graph stylesheet takes every colour from the theme (fallbacks only for files outside VS Code)', () => {
  assert.deepEqual(bareColours(graphStylesheet(themeVariables)), []);
});
