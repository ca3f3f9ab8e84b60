import type { ExprValue, FileModel } from '../../analyzer/model';
import { callAt, literalNumber } from './expressions';

/**
 * Durations as Airflow takes them (`timeout=3600`, `timedelta(hours=2)`, `pendulum.duration(days=1)`,
 * `60 * 60 * 6`), turned into seconds when they are written statically.
 */

const SECONDS_PER_UNIT: Record<string, number> = {
  weeks: 7 * 24 * 3600,
  days: 24 * 3600,
  hours: 3600,
  minutes: 60,
  seconds: 1,
  milliseconds: 0.001,
  microseconds: 0.000001,
};

/** `timedelta`'s positional order: days, seconds, microseconds, milliseconds, minutes, hours, weeks. */
const TIMEDELTA_POSITIONAL = ['days', 'seconds', 'microseconds', 'milliseconds', 'minutes', 'hours', 'weeks'];

const DURATION_CALLS = new Set(['datetime.timedelta', 'pendulum.duration', 'pendulum.Duration', 'timedelta', 'duration']);

/** Seconds a duration expression stands for, or null when it is not statically known. */
export function durationSeconds(file: FileModel, value: ExprValue | undefined): number | null {
  if (!value) return null;
  const number = literalNumber(value);
  if (number !== null) return number;
  if (value.kind === 'binary') return evaluateArithmetic(value.text);
  if (value.kind !== 'call') return null;
  const callee = value.qualifiedName ?? '';
  if (!DURATION_CALLS.has(callee)) return null;
  const call = callAt(file, value.range);
  if (!call) return null;
  let total = 0;
  for (const [index, argument] of call.positional.entries()) {
    const unit = TIMEDELTA_POSITIONAL[index];
    const amount = durationAmount(argument);
    if (unit === undefined || amount === null) return null;
    total += amount * SECONDS_PER_UNIT[unit]!;
  }
  for (const keyword of Object.values(call.keywords)) {
    const factor = SECONDS_PER_UNIT[keyword.name];
    const amount = durationAmount(keyword.value);
    if (factor === undefined || amount === null) return null;
    total += amount * factor;
  }
  return total;
}

function durationAmount(value: ExprValue): number | null {
  return literalNumber(value) ?? (value.kind === 'binary' ? evaluateArithmetic(value.text) : null);
}

/**
 * Evaluates `60 * 60 * 6`-style arithmetic made only of numbers, `+ - * /` and parentheses; anything
 * else (names, calls) gives null. A tiny recursive-descent parser: no `eval`, bounded by the text.
 */
export function evaluateArithmetic(text: string): number | null {
  if (text.length > 200 || !/^[\d\s.+\-*/()_]+$/.test(text)) return null;
  const tokens = text.replace(/_/g, '').match(/\d+(?:\.\d+)?|\.\d+|[+\-*/()]/g);
  if (!tokens) return null;
  let position = 0;
  const expression = (): number | null => {
    let left = term();
    while (left !== null && (tokens[position] === '+' || tokens[position] === '-')) {
      const operator = tokens[position++];
      const right = term();
      if (right === null) return null;
      left = operator === '+' ? left + right : left - right;
    }
    return left;
  };
  const term = (): number | null => {
    let left = factor();
    while (left !== null && (tokens[position] === '*' || tokens[position] === '/')) {
      const operator = tokens[position++];
      const right = factor();
      if (right === null || (operator === '/' && right === 0)) return null;
      left = operator === '*' ? left * right : left / right;
    }
    return left;
  };
  const factor = (): number | null => {
    const token = tokens[position++];
    if (token === undefined) return null;
    if (token === '-') {
      const inner = factor();
      return inner === null ? null : -inner;
    }
    if (token === '(') {
      const inner = expression();
      return tokens[position++] === ')' ? inner : null;
    }
    const number = Number(token);
    return Number.isFinite(number) ? number : null;
  };
  const result = expression();
  return position === tokens.length ? result : null;
}

/** `7200` → `2 h`, `90` → `90 s`, `200000` → `55.6 h`: durations in messages. */
export function formatSeconds(seconds: number): string {
  if (seconds >= 86400 && seconds % 86400 === 0) return `${seconds / 86400} d`;
  if (seconds >= 3600) return `${Math.round((seconds / 3600) * 10) / 10} h`;
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}
