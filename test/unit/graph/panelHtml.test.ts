import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createNonce, panelHtml } from '../../../client/src/graph/panelHtml';

test('the panel page has a strict, nonce-based content security policy and no inline code', () => {
  const nonce = createNonce();
  const html = panelHtml({ cspSource: 'https://file+.vscode-resource.vscode-cdn.net', nonce, scriptUri: 'https://x/main.js', styleUri: 'https://x/main.css' });
  const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
  assert.ok(csp.startsWith(`default-src 'none'`));
  assert.ok(csp.includes(`script-src 'nonce-${nonce}'`));
  assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'));
  assert.ok(csp.includes('worker-src blob:'));
  assert.equal((html.match(/<script/g) ?? []).length, 1);
  assert.ok(html.includes(`<script nonce="${nonce}" src="https://x/main.js">`));
  assert.ok(!/\son[a-z]+=/i.test(html), 'no inline event handlers');
});

test('nonces are long and differ each time', () => {
  const nonces = new Set(Array.from({ length: 100 }, createNonce));
  assert.equal(nonces.size, 100);
  for (const nonce of nonces) assert.match(nonce, /^[A-Za-z0-9]{32}$/);
});
