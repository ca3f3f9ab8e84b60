import type { Position, Range } from '../analyzer/model';
import { LineIndex, lineIndexOf } from '../rules/text';

export { LineIndex, lineIndexOf };

/** The position reached after `text` when it starts at `start`. */
export function advancePosition(start: Position, text: string, from: number, to: number): Position {
  let line = start.line;
  let character = start.character;
  for (let index = from; index < to; index++) {
    const char = text.charCodeAt(index);
    if (char === 13) {
      if (text.charCodeAt(index + 1) === 10 && index + 1 < to) index++;
      line++;
      character = 0;
    } else if (char === 10) {
      line++;
      character = 0;
    } else {
      character++;
    }
  }
  return { line, character };
}

/** True when `position` lies within `range` (end inclusive, so a cursor right after the last character counts). */
export function rangeContains(range: Range, position: Position): boolean {
  if (position.line < range.start.line || position.line > range.end.line) return false;
  if (position.line === range.start.line && position.character < range.start.character) return false;
  if (position.line === range.end.line && position.character > range.end.character) return false;
  return true;
}

