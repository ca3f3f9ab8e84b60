import ELK from 'elkjs/lib/elk.bundled.js';
import type { GraphDag, GraphSnapshot } from '../../../protocol/lsp';
import type { FileModel } from '../analyzer/model';
import { toGraphSnapshot } from './snapshot';
import { layoutGraph, type ElkEngine, type GraphDirection } from './layout';
import { escapeXml, lightColours, renderGraphDocument, type ColourResolver } from './svg';
import { buildVisibleGraph, defaultCollapsedGroups } from './view';

/**
 * The picture `dagstudio graph FILE --format svg` writes: the same layout and markup as the panel,
 * with ELK running in-process. One DAG when `dagId` names one, else every DAG of the file stacked.
 */
export interface RenderGraphSvgOptions {
  dagId?: string | null;
  direction?: GraphDirection;
  /** `default` collapses groups as the panel does on first open; `none` expands every group. */
  collapse?: 'default' | 'none';
  colours?: ColourResolver;
}

let sharedElk: ElkEngine | undefined;

function elk(): ElkEngine {
  sharedElk ??= new ELK() as unknown as ElkEngine;
  return sharedElk;
}

/** Lays out one DAG and returns a standalone SVG document. */
export async function renderDagSvg(dag: GraphDag, options: RenderGraphSvgOptions = {}): Promise<string> {
  const collapsed = options.collapse === 'none' ? new Set<string>() : defaultCollapsedGroups(dag);
  const view = buildVisibleGraph(dag, { collapsed, lineage: 'all', selectedTaskId: null });
  const layout = await layoutGraph(view, options.direction ?? 'RIGHT', elk());
  return renderGraphDocument(view, layout, { colours: options.colours ?? lightColours, title: dag.dagId ?? 'DAG' });
}

/**
 * One SVG document for several analysed files (the CLI's `--format svg`): every DAG of every file,
 * stacked, each captioned `file · dag_id` when there is more than one.
 */
export async function renderFilesSvg(files: ReadonlyArray<{ file: string; model: FileModel | null }>, options: RenderGraphSvgOptions = {}): Promise<string> {
  const dags: GraphDag[] = [];
  for (const { file, model } of files) {
    if (!model?.importsAirflow) continue;
    const snapshot = toGraphSnapshot(model, [], file, 0);
    for (const dag of snapshot.dags) dags.push(files.length > 1 ? { ...dag, dagId: `${file} · ${dag.dagId ?? '(dynamic DAG id)'}` } : dag);
  }
  return renderGraphSvg({ uri: '', version: 0, parseOk: true, dags }, { ...options, dagId: null });
}

/** Renders the snapshot's DAGs (or the one named `dagId`) into one SVG document. Never throws on odd input. */
export async function renderGraphSvg(snapshot: GraphSnapshot, options: RenderGraphSvgOptions = {}): Promise<string> {
  const dags = options.dagId ? snapshot.dags.filter((dag) => dag.dagId === options.dagId) : snapshot.dags;
  if (dags.length === 1) return renderDagSvg(dags[0], options);
  const pictures = await Promise.all(dags.map((dag) => renderDagSvg(dag, options)));
  // Several DAGs: stack the pictures, each under a caption with its id.
  const size = (svg: string): { width: number; height: number } => {
    const match = /width="(\d+)" height="(\d+)"/.exec(svg);
    return { width: Number(match?.[1] ?? 0), height: Number(match?.[2] ?? 0) };
  };
  const CAPTION = 28;
  let y = 0;
  let width = 320;
  const parts: string[] = [];
  dags.forEach((dag, i) => {
    const { width: w, height: h } = size(pictures[i]);
    parts.push(`<text x="20" y="${y + 19}" font-family="sans-serif" font-size="15" font-weight="600" fill="${(options.colours ?? lightColours)('foreground')}">${escapeXml(dag.dagId ?? '(dynamic DAG id)')}</text>`);
    parts.push(pictures[i].replace('<svg ', `<svg x="0" y="${y + CAPTION}" `));
    y += CAPTION + h;
    width = Math.max(width, w);
  });
  if (dags.length === 0) parts.push(`<text x="20" y="30" font-family="sans-serif" font-size="14">No DAG found in this file.</text>`);
  const height = Math.max(y, 48);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">\n${parts.join('\n')}\n</svg>\n`;
}
