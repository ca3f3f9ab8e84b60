import * as fs from 'node:fs';
import * as path from 'node:path';
import packageJson from '../../../package.json';
import { analyze } from '../analyzer/analyze';
import type { FileModel } from '../analyzer/model';
import { createPythonParser, parsePython, type Parser } from '../analyzer/parser';
import {
  DEFAULT_SETTINGS,
  loadPyprojectConfig,
  mergeSettings,
  readPyprojectConfig,
  toAnalysisConfig,
  type ConfigProblem,
  type DagStudioSettings,
} from '../config/index';
import { applyFixes } from '../rules/apply-fixes';
import type { Finding, Severity } from '../rules/rule';
import { DagIdIndex, indexedDags } from '../lsp/dagIdIndex';
import { collectFindings } from '../lsp/pipeline';
import { diskFileAccess } from '../lsp/templateFeatures';
import { CHECK_FORMATS, formatJson, formatSarif, formatText, isAtLeast, SEVERITY_ORDER, type CheckedFile, type CheckFormat } from './checkFormats';
import { graphFormatters, type GraphInput } from './graphFormats';
import { displayPath, expandPaths, readSource, UserError } from './inputs';

/** Where the CLI writes; tests pass buffers, `main.ts` passes the process streams. */
export interface CliIo {
  cwd: string;
  stdout(text: string): void;
  stderr(text: string): void;
}

export const EXIT_CLEAN = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE_OR_IO = 2;

/** How many rounds of `--fix` run at most: a fix may enable another, but never forever. */
const MAX_FIX_ROUNDS = 5;

const USAGE = `dagstudio ${packageJson.version} — Airflow DAG Studio on the command line.
Reads DAG files statically (it never runs them) with the same analysis as the VS Code extension.

Usage:
  dagstudio graph FILE... [--format FORMAT] [--out FILE]
      Write the model of each DAG: tasks (ids as Airflow computes them), dependencies, TaskGroups.
      --format   ${Object.keys(graphFormatters).join(' | ')}   (default: json)
      --out      write to FILE instead of standard output

  dagstudio check PATH... [--format text|json|sarif] [--fail-on LEVEL] [--fix] [--config FILE]
      Report diagnostics for files and folders (folders are searched for .py files).
      --format   text | json | sarif   (default: text)
      --fail-on  error | warning | information | hint   (default: warning)
                 exit 1 when a finding at or above this severity remains
      --fix      apply safe fixes in place, then report what is left
      --config   a pyproject.toml whose [tool.dagstudio] table applies to every file
                 (default: the nearest pyproject.toml above each file)

  dagstudio --help | --version

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or input error.
`;

interface ParsedArguments {
  positionals: string[];
  options: Map<string, string | true>;
}

/** Options each command accepts; `true` marks a flag without value. */
const COMMAND_OPTIONS: Record<string, Record<string, 'value' | 'flag'>> = {
  graph: { format: 'value', out: 'value', help: 'flag' },
  check: { format: 'value', 'fail-on': 'value', fix: 'flag', config: 'value', help: 'flag' },
};

const SHORT_OPTIONS: Record<string, string> = { f: 'format', o: 'out', h: 'help' };

/**
 * Runs the command line and resolves to the exit code. User errors (bad arguments, unreadable input)
 * become one line on stderr and exit code 2; nothing here prints a stack trace for them.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.stdout(USAGE);
    return command === undefined ? EXIT_USAGE_OR_IO : EXIT_CLEAN;
  }
  if (command === '--version' || command === '-V' || command === 'version') {
    io.stdout(`${packageJson.version}\n`);
    return EXIT_CLEAN;
  }
  try {
    const spec = COMMAND_OPTIONS[command];
    if (!spec) throw new UsageError(`unknown command '${command}' (expected 'graph' or 'check')`);
    const parsed = parseArguments(rest, spec);
    if (parsed.options.has('help')) {
      io.stdout(USAGE);
      return EXIT_CLEAN;
    }
    return command === 'graph' ? await runGraph(parsed, io) : await runCheck(parsed, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`dagstudio: ${error.message}\nRun 'dagstudio --help' for usage.\n`);
      return EXIT_USAGE_OR_IO;
    }
    if (error instanceof UserError) {
      io.stderr(`dagstudio: ${error.message}\n`);
      return EXIT_USAGE_OR_IO;
    }
    const reason = error instanceof Error ? error.message : String(error);
    io.stderr(`dagstudio: internal error: ${reason}\n`);
    if (process.env['DAGSTUDIO_DEBUG'] && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
    return EXIT_USAGE_OR_IO;
  }
}

class UsageError extends Error {}

function parseArguments(args: readonly string[], spec: Record<string, 'value' | 'flag'>): ParsedArguments {
  const positionals: string[] = [];
  const options = new Map<string, string | true>();
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    if (arg === '--') {
      positionals.push(...args.slice(index + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const longForm = arg.startsWith('--');
    const [rawName, inlineValue] = longForm ? splitOnce(arg.slice(2), '=') : [arg.slice(1), undefined];
    const name = longForm ? rawName : SHORT_OPTIONS[rawName] ?? rawName;
    const kind = spec[name];
    if (!kind) throw new UsageError(`unknown option '${arg}'`);
    if (kind === 'flag') {
      if (inlineValue !== undefined) throw new UsageError(`option '--${name}' takes no value`);
      options.set(name, true);
      continue;
    }
    const value = inlineValue ?? args[++index];
    if (value === undefined || (inlineValue === undefined && value.startsWith('--'))) throw new UsageError(`option '--${name}' needs a value`);
    options.set(name, value);
  }
  return { positionals, options };
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

function stringOption(parsed: ParsedArguments, name: string): string | undefined {
  const value = parsed.options.get(name);
  return typeof value === 'string' ? value : undefined;
}

async function runGraph(parsed: ParsedArguments, io: CliIo): Promise<number> {
  const format = stringOption(parsed, 'format') ?? 'json';
  const formatter = graphFormatters[format];
  if (!formatter) throw new UsageError(`unknown graph format '${format}' (expected ${Object.keys(graphFormatters).join(', ')})`);
  if (parsed.positionals.length === 0) throw new UsageError('graph needs at least one FILE');
  const { files, problems } = expandPaths(parsed.positionals, io.cwd);
  for (const problem of problems) io.stderr(`dagstudio: ${problem}\n`);
  const analyzer = await Analyzer.create();
  const inputs: GraphInput[] = [];
  let failed = problems.length > 0;
  for (const file of files) {
    const shown = displayPath(file, io.cwd);
    let text: string;
    try {
      text = readSource(file, shown);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      io.stderr(`dagstudio: ${error.message}\n`);
      failed = true;
      continue;
    }
    const model = analyzer.analyze(text);
    inputs.push({ file: shown, model, errors: model.importsAirflow ? model.syntaxErrors.map((error) => ({ message: error.message, range: error.range })) : [] });
  }
  // Nothing could be read: the error lines say it all, an empty document would only add noise.
  if (inputs.length === 0 && failed) return EXIT_USAGE_OR_IO;
  const output = await formatter(inputs);
  const out = stringOption(parsed, 'out');
  if (out !== undefined) {
    writeOutput(path.resolve(io.cwd, out), output, out);
    const dagCount = inputs.reduce((sum, input) => sum + (input.model?.importsAirflow ? input.model.dags.length : 0), 0);
    io.stderr(`Wrote ${dagCount} DAG${dagCount === 1 ? '' : 's'} from ${inputs.length} file${inputs.length === 1 ? '' : 's'} to ${out}\n`);
  } else {
    io.stdout(output);
  }
  return failed ? EXIT_USAGE_OR_IO : EXIT_CLEAN;
}

function writeOutput(file: string, text: string, shown: string): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  } catch (error) {
    throw new UserError(`${shown}: cannot write (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`);
  }
}

interface CheckedSource {
  file: string;
  shown: string;
  text: string;
  model: FileModel;
  settings: DagStudioSettings;
}

async function runCheck(parsed: ParsedArguments, io: CliIo): Promise<number> {
  const format = (stringOption(parsed, 'format') ?? 'text') as CheckFormat;
  if (!CHECK_FORMATS.includes(format)) throw new UsageError(`unknown check format '${format}' (expected ${CHECK_FORMATS.join(', ')})`);
  const failOn = (stringOption(parsed, 'fail-on') ?? 'warning') as Severity;
  if (!SEVERITY_ORDER.includes(failOn)) throw new UsageError(`unknown --fail-on level '${failOn}' (expected ${SEVERITY_ORDER.join(', ')})`);
  if (parsed.positionals.length === 0) throw new UsageError('check needs at least one PATH');
  const fix = parsed.options.has('fix');
  const settingsFor = settingsResolver(stringOption(parsed, 'config'), io);

  const { files, problems } = expandPaths(parsed.positionals, io.cwd);
  for (const problem of problems) io.stderr(`dagstudio: ${problem}\n`);
  const analyzer = await Analyzer.create();
  const sources: CheckedSource[] = [];
  let failed = problems.length > 0;
  let fixedCount = 0;
  let fixedFiles = 0;
  for (const file of files) {
    const shown = displayPath(file, io.cwd);
    try {
      let text = readSource(file, shown);
      const settings = settingsFor(path.dirname(file));
      let model = analyzer.analyze(text);
      if (fix) {
        const fixed = fixUntilStable(file, text, model, settings, analyzer);
        if (fixed.applied > 0) {
          writeOutput(file, fixed.text, shown);
          fixedCount += fixed.applied;
          fixedFiles++;
          text = fixed.text;
          model = fixed.model;
        }
      }
      sources.push({ file, shown, text, model, settings });
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      io.stderr(`dagstudio: ${error.message}\n`);
      failed = true;
    }
  }

  if (sources.length === 0 && failed) return EXIT_USAGE_OR_IO;

  // Workspace rules (duplicate-dag-id) see every file checked in this run.
  const index = new DagIdIndex();
  for (const source of sources) index.set(source.shown, indexedDags(source.model));
  const checked: CheckedFile[] = sources.map((source) => ({
    file: source.shown,
    findings: collectFindings(source.model, source.text, toAnalysisConfig(source.settings, source.model), {
      files: diskFileAccess(source.file),
      workspace: index.viewFor(source.shown),
      onRuleError: (ruleId, error) => io.stderr(`dagstudio: rule ${ruleId} failed on ${source.shown}: ${error instanceof Error ? error.message : String(error)}\n`),
    }),
  }));

  if (format === 'json') io.stdout(formatJson(checked));
  else if (format === 'sarif') io.stdout(formatSarif(checked, packageJson.version));
  else io.stdout(formatText(checked));
  if (fix && fixedCount > 0) io.stderr(`Fixed ${fixedCount} problem${fixedCount === 1 ? '' : 's'} in ${fixedFiles} file${fixedFiles === 1 ? '' : 's'}.\n`);

  if (failed) return EXIT_USAGE_OR_IO;
  const failing = checked.some(({ findings }) => findings.some((finding) => isAtLeast(finding.severity, failOn)));
  return failing ? EXIT_FINDINGS : EXIT_CLEAN;
}

/** Applies the safe fixes, re-analyses, and repeats while fixes still apply (bounded). */
function fixUntilStable(file: string, text: string, model: FileModel, settings: DagStudioSettings, analyzer: Analyzer): { text: string; model: FileModel; applied: number } {
  let applied = 0;
  for (let round = 0; round < MAX_FIX_ROUNDS; round++) {
    const findings: Finding[] = collectFindings(model, text, toAnalysisConfig(settings, model), { files: diskFileAccess(file) });
    const safeFixes = findings.flatMap((finding) => finding.fixes.filter((candidate) => candidate.safe).slice(0, 1));
    if (safeFixes.length === 0) break;
    const result = applyFixes(text, safeFixes);
    if (result.applied.length === 0 || result.text === text) break;
    applied += result.applied.length;
    text = result.text;
    model = analyzer.analyze(text);
  }
  return { text, model, applied };
}

/**
 * The settings for files in a folder: from `--config` when given (for every file), else from the
 * nearest pyproject.toml with a `[tool.dagstudio]` table, as the editor resolves them. Problems in a
 * configuration file are warnings naming the key; the valid rest still applies.
 */
function settingsResolver(explicitConfig: string | undefined, io: CliIo): (directory: string) => DagStudioSettings {
  const warn = (problems: readonly ConfigProblem[]) => {
    for (const problem of problems) io.stderr(`dagstudio: warning: ${problem.message}\n`);
  };
  if (explicitConfig !== undefined) {
    const file = path.resolve(io.cwd, explicitConfig);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      throw new UserError(`${explicitConfig}: no such file (given with --config)`);
    }
    const loaded = loadPyprojectConfig(text);
    warn(loaded.problems);
    if (!loaded.found && loaded.problems.length === 0) io.stderr(`dagstudio: warning: ${explicitConfig} has no [tool.dagstudio] table; using defaults\n`);
    const settings = mergeSettings(DEFAULT_SETTINGS, loaded.settings);
    return () => settings;
  }
  const byDirectory = new Map<string, DagStudioSettings>();
  const warned = new Set<string>();
  return (directory) => {
    let settings = byDirectory.get(directory);
    if (!settings) {
      const loaded = readPyprojectConfig(directory);
      if (loaded && !warned.has(loaded.path)) {
        warned.add(loaded.path);
        warn(loaded.problems);
      }
      settings = mergeSettings(DEFAULT_SETTINGS, loaded?.settings ?? {});
      byDirectory.set(directory, settings);
    }
    return settings;
  };
}

/** One parser for the whole run; trees are freed as soon as the model is built. */
class Analyzer {
  private constructor(private readonly parser: Parser) {}

  static async create(): Promise<Analyzer> {
    return new Analyzer(await createPythonParser());
  }

  analyze(text: string): FileModel {
    const tree = parsePython(this.parser, text);
    try {
      return analyze(tree, text);
    } finally {
      tree.delete();
    }
  }
}
