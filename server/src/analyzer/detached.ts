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
