import type { GraphLayout } from '../../server/src/graph/layout';
import type { Viewport } from './viewState';

/** Graphs with fewer nodes than this fit the screen well enough without a minimap. */
const MINIMAP_FROM_NODES = 25;

/**
 * An overview of the whole graph with the visible area outlined, drawn on a canvas (cheap even for
 * 10,000 nodes). Clicking or dragging on it moves the view there.
 */
export class Minimap {
  private layout: GraphLayout | null = null;
  private transform = { scale: 1, offsetX: 0, offsetY: 0 };
  private dragging = false;
  private colours: { layout: GraphLayout; nodes: string; viewport: string } | null = null;

  constructor(private readonly canvas: HTMLCanvasElement, private readonly centerOn: (graphX: number, graphY: number) => void) {
    canvas.addEventListener('pointerdown', (event) => {
      event.stopPropagation();
      this.dragging = true;
      canvas.setPointerCapture(event.pointerId);
      this.moveTo(event);
    });
    canvas.addEventListener('pointermove', (event) => {
      if (this.dragging) this.moveTo(event);
    });
    const stop = (): void => {
      this.dragging = false;
    };
    canvas.addEventListener('pointerup', stop);
    canvas.addEventListener('pointercancel', stop);
    canvas.addEventListener('wheel', (event) => event.stopPropagation());
  }

  private moveTo(event: PointerEvent): void {
    const rect = this.canvas.getBoundingClientRect();
    const { scale, offsetX, offsetY } = this.transform;
    this.centerOn((event.clientX - rect.left - offsetX) / scale, (event.clientY - rect.top - offsetY) / scale);
  }

  /** The theme changed: read the colours again on the next draw. */
  forgetColours(): void {
    this.colours = null;
  }

  hide(): void {
    this.canvas.classList.remove('visible');
  }

  draw(layout: GraphLayout, viewport: Viewport, screenWidth: number, screenHeight: number): void {
    this.layout = layout;
    const graphFits = layout.width * viewport.scale <= screenWidth && layout.height * viewport.scale <= screenHeight;
    if (layout.nodes.size < MINIMAP_FROM_NODES || graphFits) {
      this.hide();
      return;
    }
    this.canvas.classList.add('visible');
    const cssWidth = this.canvas.clientWidth;
    const cssHeight = this.canvas.clientHeight;
    const ratio = window.devicePixelRatio || 1;
    if (this.canvas.width !== Math.round(cssWidth * ratio)) this.canvas.width = Math.round(cssWidth * ratio);
    if (this.canvas.height !== Math.round(cssHeight * ratio)) this.canvas.height = Math.round(cssHeight * ratio);
    const context = this.canvas.getContext('2d');
    if (!context) return;
    const pad = 6;
    const scale = Math.min((cssWidth - 2 * pad) / Math.max(1, layout.width), (cssHeight - 2 * pad) / Math.max(1, layout.height));
    const offsetX = (cssWidth - layout.width * scale) / 2;
    const offsetY = (cssHeight - layout.height * scale) / 2;
    this.transform = { scale, offsetX, offsetY };
    if (this.colours === null || this.colours.layout !== layout) {
      // Reading computed styles forces a style pass: once per layout, not once per frame.
      const styles = getComputedStyle(this.canvas);
      const read = (name: string, fallback: string): string => styles.getPropertyValue(name).trim() || fallback;
      this.colours = { layout, nodes: read('--vscode-descriptionForeground', '#888'), viewport: read('--vscode-focusBorder', '#007fd4') };
    }
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, cssWidth, cssHeight);
    context.fillStyle = this.colours.nodes;
    context.globalAlpha = 0.55;
    for (const node of layout.nodes.values()) {
      context.fillRect(offsetX + node.x * scale, offsetY + node.y * scale, Math.max(1, node.width * scale), Math.max(1, node.height * scale));
    }
    context.globalAlpha = 1;
    context.strokeStyle = this.colours.viewport;
    context.lineWidth = 1.5;
    context.strokeRect(
      offsetX + (-viewport.x / viewport.scale) * scale,
      offsetY + (-viewport.y / viewport.scale) * scale,
      (screenWidth / viewport.scale) * scale,
      (screenHeight / viewport.scale) * scale,
    );
  }
}
