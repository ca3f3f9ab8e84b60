/**
 * `text` as a string that shares no memory with the string it was cut from.
 *
 * The engine keeps a slice of 13 or more characters as a view into the string it came from, so a slice
 * of a document keeps that whole version of the document alive. A cache that outlives an analysis and
 * stores such a slice would hold one version of the document per keystroke; caches store detached
 * copies instead. (Concatenating makes a new string; slicing it flattens it into one of its own.)
 */
export function detached(text: string): string {
  return text.length < 13 ? text : (' ' + text).slice(1);
}

const interned = new Map<string, string>();

/**
 * One detached copy per distinct name (operator and other qualified names): what keeps it can compare
 * it with `===` and usually find the very same string, where comparing two copies reads both.
 */
export function internedName(name: string): string {
  let copy = interned.get(name);
  if (copy === undefined) {
    // Names come from a few imports per file; a flood of distinct ones only restarts the table.
    if (interned.size >= 10_000) interned.clear();
    copy = detached(name);
    interned.set(copy, copy);
  }
  return copy;
}
