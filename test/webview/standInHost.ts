/**
 * A stand-in for VS Code's webview host: serves the built panel (`dist/webview/`) with the very HTML
 * and content security policy the extension uses, fakes `acquireVsCodeApi` (recording posted messages
 * and keeping `setState` across reloads), applies a theme's `--vscode-*` variables, and records any
 * CSP violation. Used by the webview tests, the screenshots and the benchmark.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createNonce, panelHtml } from '../../client/src/graph/panelHtml';
import type { HostMessage } from '../../protocol/webview';
import { THEMES, type ThemeName } from './themes';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function chromiumAvailable(): boolean {
  return fs.existsSync(CHROMIUM_PATH);
}

export interface StandInHost {
  origin: string;
  browser: Browser;
  close(): Promise<void>;
}

export async function startHost(): Promise<StandInHost> {
  const root = path.join(process.cwd(), 'dist', 'webview');
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname === '/' || url.pathname === '/panel.html') {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(panelHtml({ cspSource: origin, nonce: createNonce(), scriptUri: `${origin}/main.js`, styleUri: `${origin}/main.css` }));
      return;
    }
    const file = path.join(root, path.normalize(url.pathname).replace(/^([/\\])+/, ''));
    if (!file.startsWith(root) || !fs.existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : 'application/octet-stream' });
    fs.createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: LAUNCH_ARGS });
  return {
    origin,
    browser,
    close: async () => {
      await browser.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Opens the panel in a new page with the given theme and viewport size; resolves once it has posted `ready`. */
export async function openPanel(host: StandInHost, options: { theme?: ThemeName; width?: number; height?: number } = {}): Promise<Page> {
  const page = await host.browser.newPage({ viewport: { width: options.width ?? 1100, height: options.height ?? 640 } });
  await page.addInitScript((variables: Record<string, string>) => {
    const w = window as unknown as Record<string, unknown>;
    w.__posted = [];
    w.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => (w.__cspViolations as string[]).push(`${event.violatedDirective} ${event.blockedURI}`));
    w.acquireVsCodeApi = () => ({
      postMessage: (message: unknown) => (w.__posted as unknown[]).push(JSON.parse(JSON.stringify(message))),
      getState: () => JSON.parse(sessionStorage.getItem('panelState') ?? 'null'),
      setState: (state: unknown) => sessionStorage.setItem('panelState', JSON.stringify(state)),
    });
    // VS Code puts the theme's variables on <html> before any script runs; the element exists only once parsing starts.
    const applyTheme = (): void => {
      for (const [name, value] of Object.entries(variables)) document.documentElement.style.setProperty(name, value);
    };
    if (document.documentElement) applyTheme();
    else new MutationObserver((_, observer) => {
      if (!document.documentElement) return;
      applyTheme();
      observer.disconnect();
    }).observe(document, { childList: true });
  }, THEMES[options.theme ?? 'light']);
  await page.goto(`${host.origin}/panel.html`);
  await page.waitForFunction(() => ((window as unknown as { __posted: Array<{ type: string }> }).__posted ?? []).some((m) => m.type === 'ready'));
  return page;
}

/** Posts a host message to the panel, as `webview.postMessage` would. */
export async function post(page: Page, message: HostMessage): Promise<void> {
  // Sent as one JSON string: Playwright's argument serialisation is slow for 10,000-task snapshots.
  await page.evaluate((json) => window.postMessage(JSON.parse(json), '*'), JSON.stringify(message));
}

/**
 * Posts a host message and measures, inside the page, the milliseconds until the panel has painted
 * `version` at all (`first`, possibly a provisional fast layout) and with its final layout (`final`).
 */
export async function postAndTimePaint(page: Page, message: HostMessage, version: number): Promise<{ first: number; final: number }> {
  return page.evaluate(
    ([json, v]) =>
      new Promise<{ first: number; final: number }>((resolve) => {
        const canvas = document.querySelector<HTMLElement>('.canvas')!;
        const start = performance.now();
        let first = -1;
        const painted = (): boolean => canvas.dataset.version === String(v) && Number(canvas.dataset.renderedNodes ?? 0) > 0;
        const check = (): void => {
          if (!painted()) return;
          const final = canvas.dataset.provisional === 'false';
          // The paint itself: wait for the frame that shows the new DOM.
          requestAnimationFrame(() => {
            const now = performance.now() - start;
            if (first < 0) first = now;
            if (final) {
              observer.disconnect();
              resolve({ first, final: now });
            }
          });
        };
        const observer = new MutationObserver(check);
        observer.observe(canvas, { attributes: true, childList: true, subtree: true });
        window.postMessage(JSON.parse(json), '*');
      }),
    [JSON.stringify(message), version] as const,
  );
}

/** Messages the panel has posted to the host so far. */
export async function posted(page: Page): Promise<Array<Record<string, unknown>>> {
  return page.evaluate(() => (window as unknown as { __posted: Array<Record<string, unknown>> }).__posted);
}

/** Waits until the panel has painted the given snapshot version. */
export async function waitForVersion(page: Page, version: number, engine?: 'elk' | 'fast'): Promise<void> {
  await page.waitForFunction(
    ([v, e]) => {
      const canvas = document.querySelector<HTMLElement>('.canvas');
      return canvas?.dataset.version === String(v) && (!e || canvas.dataset.engine === e) && canvas.dataset.provisional === 'false' && Number(canvas.dataset.renderedNodes ?? 0) > 0;
    },
    [version, engine ?? null] as const,
    { timeout: 60_000 },
  );
}
