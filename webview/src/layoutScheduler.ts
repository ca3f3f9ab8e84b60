import { layoutGraph, type ElkEngine, type GraphDirection, type GraphLayout } from '../../server/src/graph/layout';
import type { VisibleGraph } from '../../server/src/graph/view';

export interface LayoutRequest {
  view: VisibleGraph;
  direction: GraphDirection;
}

/**
 * Runs one layout at a time and lets the latest request win: while a layout runs, newer requests
 * replace each other in a one-slot queue, and an answer that has been superseded is dropped (its
 * promise resolves to null).
 */
export class LayoutScheduler {
  private running = false;
  private pending: { request: LayoutRequest; resolve: (layout: GraphLayout | null) => void } | null = null;
  private latest = 0;

  constructor(private readonly elk: ElkEngine | null) {}

  /** Lays out `request`; resolves to null if a newer request arrived before this one finished. */
  request(request: LayoutRequest): Promise<GraphLayout | null> {
    const ticket = ++this.latest;
    return new Promise((resolve) => {
      this.pending?.resolve(null);
      this.pending = { request, resolve: (layout) => resolve(ticket === this.latest ? layout : null) };
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    while (this.pending) {
      const { request, resolve } = this.pending;
      this.pending = null;
      this.running = true;
      let layout: GraphLayout | null = null;
      try {
        layout = await layoutGraph(request.view, request.direction, this.elk);
      } finally {
        this.running = false;
      }
      resolve(layout);
    }
  }

  /** Lays out a tiny graph so the worker has parsed ELK and warmed up before the first real graph arrives. */
  warmUp(): void {
    if (!this.elk) return;
    void this.elk.layout({ id: 'warm-up', layoutOptions: { 'elk.algorithm': 'layered' }, children: [{ id: 'a', width: 10, height: 10 }, { id: 'b', width: 10, height: 10 }], edges: [{ id: 'e', sources: ['a'], targets: ['b'] }] }).catch(() => undefined);
  }
}
