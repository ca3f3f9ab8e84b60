import type { CommentFact, FileModel, Range } from '../../../server/src/analyzer/model';

/** A range on one line, for hand-built models. */
export function range(line: number, start: number, end: number, endLine = line): Range {
  return { start: { line, character: start }, end: { line: endLine, character: end } };
}

/** An empty model of a file that imports airflow, with the comments found in `text`. */
export function modelOf(text: string, overrides: Partial<FileModel> = {}): FileModel {
  return {
    importsAirflow: true,
    imports: [],
    dags: [],
    tasksWithoutDag: [],
    calls: [],
    functions: [],
    assignments: [],
    comments: commentsIn(text),
    syntaxErrors: [],
    dynamic: [],
    lineCount: text.split(/\r\n|\n|\r/).length,
    ...overrides,
  };
}

/** `#` comments outside strings, good enough for the hand-written snippets of these tests. */
export function commentsIn(text: string): CommentFact[] {
  const comments: CommentFact[] = [];
  text.split(/\r\n|\n|\r/).forEach((line, index) => {
    const at = line.indexOf('#');
    if (at >= 0) comments.push({ text: line.slice(at), range: range(index, at, line.length) });
  });
  return comments;
}
