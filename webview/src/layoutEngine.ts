import ElkApi from 'elkjs/lib/elk-api.js';
import elkWorkerSource from 'elkjs/lib/elk-worker.min.js?text';
import type { ElkEngine } from '../../server/src/graph/layout';

/**
 * ELK in a web worker started from an inlined blob URL, so a layout never blocks the panel's main
 * thread (and the webview needs no network or file access to start it). Returns null when workers are
 * unavailable; the caller then uses the fast layout.
 */
export function createWorkerElk(): { elk: ElkEngine; dispose(): void } | null {
  try {
    const url = URL.createObjectURL(new Blob([elkWorkerSource], { type: 'text/javascript' }));
    const elk = new ElkApi({ workerUrl: url, workerFactory: (workerUrl?: string) => new Worker(workerUrl ?? url) });
    return {
      elk: elk as unknown as ElkEngine,
      dispose: () => {
        elk.terminateWorker();
        URL.revokeObjectURL(url);
      },
    };
  } catch {
    return null;
  }
}
