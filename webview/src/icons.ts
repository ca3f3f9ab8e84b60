/**
 * Toolbar icons drawn in the style of VS Code's codicons (16px, 1.3px strokes, currentColor), so the
 * panel looks native without shipping an icon font.
 */
const PATHS = {
  'direction-right': 'M2 8h10M9 5l3 3-3 3M14 3v10',
  'direction-down': 'M8 2v10M5 9l3 3 3-3M3 14h10',
  'collapse-all': 'M3 3h10v10H3zM5.5 8h5',
  'expand-all': 'M3 3h10v10H3zM5.5 8h5M8 5.5v5',
  'zoom-in': 'M7 2.5a4.5 4.5 0 1 1 0 9 4.5 4.5 0 0 1 0-9zM10.3 10.3L14 14M5 7h4M7 5v4',
  'zoom-out': 'M7 2.5a4.5 4.5 0 1 1 0 9 4.5 4.5 0 0 1 0-9zM10.3 10.3L14 14M5 7h4',
  fit: 'M2 5.5V2h3.5M10.5 2H14v3.5M14 10.5V14h-3.5M5.5 14H2v-3.5M5.5 5.5h5v5h-5z',
  'export-svg': 'M8 2v8M5 7l3 3 3-3M2.5 11v2.5h11V11',
  'export-png': 'M2.5 3h11v10h-11zM2.5 11l3.5-3.5 2.5 2.5 2-2 3 3M10.5 5.5h.01',
  lock: 'M4 7h8v6.5H4zM5.5 7V5a2.5 2.5 0 0 1 5 0v2',
  unlock: 'M4 7h8v6.5H4zM5.5 7V5a2.5 2.5 0 0 1 4.9-.7',
} as const;

export type IconName = keyof typeof PATHS;

export function icon(name: IconName): SVGSVGElement {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  path.setAttribute('d', PATHS[name]);
  svg.appendChild(path);
  return svg;
}
