/**
 * Which edges of a directed graph lie on a cycle: an edge u → v does exactly when u and v are in the
 * same strongly connected component (or u = v). Iterative Tarjan, so a 10,000-task chain cannot
 * overflow the stack.
 */
export function edgesOnCycles(edges: ReadonlyArray<{ from: string; to: string }>): boolean[] {
  const successors = new Map<string, string[]>();
  for (const { from, to } of edges) {
    let list = successors.get(from);
    if (!list) successors.set(from, (list = []));
    list.push(to);
    if (!successors.has(to)) successors.set(to, []);
  }
  const component = stronglyConnectedComponents(successors);
  return edges.map(({ from, to }) => from === to || component.get(from) === component.get(to));
}

/** Maps every vertex to the index of its strongly connected component. */
function stronglyConnectedComponents(successors: Map<string, string[]>): Map<string, number> {
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const component = new Map<string, number>();
  let nextIndex = 0;
  let nextComponent = 0;

  for (const root of successors.keys()) {
    if (index.has(root)) continue;
    // Each frame is a vertex and the position of the next successor to visit.
    const frames: Array<{ vertex: string; next: number }> = [{ vertex: root, next: 0 }];
    index.set(root, nextIndex);
    lowLink.set(root, nextIndex++);
    stack.push(root);
    onStack.add(root);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1];
      const next = successors.get(frame.vertex)!;
      if (frame.next < next.length) {
        const successor = next[frame.next++];
        if (!index.has(successor)) {
          index.set(successor, nextIndex);
          lowLink.set(successor, nextIndex++);
          stack.push(successor);
          onStack.add(successor);
          frames.push({ vertex: successor, next: 0 });
        } else if (onStack.has(successor)) {
          lowLink.set(frame.vertex, Math.min(lowLink.get(frame.vertex)!, index.get(successor)!));
        }
        continue;
      }
      frames.pop();
      if (frames.length > 0) {
        const parent = frames[frames.length - 1].vertex;
        lowLink.set(parent, Math.min(lowLink.get(parent)!, lowLink.get(frame.vertex)!));
      }
      if (lowLink.get(frame.vertex) === index.get(frame.vertex)) {
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.set(member, nextComponent);
        } while (member !== frame.vertex);
        nextComponent++;
      }
    }
  }
  return component;
}
