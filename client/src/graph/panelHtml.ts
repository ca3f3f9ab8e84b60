/**
 * The graph panel's HTML document. Pure (no `vscode` import) so the webview tests load the very page
 * the extension serves.
 *
 * Content security policy: nothing is allowed by default; the bundle's script runs only by nonce; the
 * stylesheet comes from the webview's own folder and the graph's stylesheet by nonce; the layout worker
 * starts from a blob URL; exported PNGs are drawn from blob/data images. No inline handlers anywhere.
 */
export interface PanelHtmlOptions {
  /** `webview.cspSource`: the origin the webview's local resources are served from. */
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
}

export function panelHtml({ cspSource, nonce, scriptUri, styleUri }: PanelHtmlOptions): string {
  const csp = [
    `default-src 'none'`,
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `img-src ${cspSource} blob: data:`,
    `font-src ${cspSource}`,
    `worker-src blob:`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttribute(styleUri)}">
<title>DAG Graph</title>
</head>
<body>
<div id="app"></div>
<script nonce="${nonce}" src="${escapeAttribute(scriptUri)}"></script>
</body>
</html>`;
}

/** A fresh nonce: 32 characters from a CSPRNG. */
export function createNonce(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (byte) => alphabet[byte % alphabet.length]).join('');
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
