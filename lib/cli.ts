/**
 * What every npm script's entry point shares: `--help` prints the usage and
 * exits 0, and a mistake on the command line prints what is wrong, then the
 * usage, and exits 2, so no argument is ever silently ignored.
 */

/** Exit status of a command-line mistake, as the scripts document it. */
export const EXIT_USAGE = 2;

/** A mistake on the command line: the message says what is wrong; the entry point adds the usage. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** True when the arguments ask for help, wherever `-h` or `--help` stands. */
export function wantsHelp(args: readonly string[]): boolean {
  return args.some((arg) => arg === '--help' || arg === '-h');
}

/** Refuses every argument, for a command that takes none. */
export function noArguments(args: readonly string[]): void {
  if (args.length > 0) throw new UsageError(`this command takes no arguments, not ${args.map((a) => JSON.stringify(a)).join(' ')}`);
}

/** A command line read by {@link readOptions}. */
export interface Options {
  /** Each value option given, by name (`--format` → `json`). */
  readonly values: ReadonlyMap<string, string>;
  /** The flags given. */
  readonly flags: ReadonlySet<string>;
  /** What is not an option (`-` included, for stdin). */
  readonly positional: readonly string[];
}

/**
 * Reads options the common way: flags, and value options that take the next
 * argument, once each. Anything else starting with `-` is a usage error, and
 * so is a positional argument unless `positional` allows them.
 */
export function readOptions(args: readonly string[], spec: { readonly flags: readonly string[]; readonly values: readonly string[]; readonly positional?: boolean }): Options {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (spec.flags.includes(arg)) flags.add(arg);
    else if (spec.values.includes(arg)) {
      const value = args[++i];
      if (value === undefined || value === '') throw new UsageError(`${arg} needs a value`);
      if (values.has(arg)) throw new UsageError(`${arg} given twice`);
      values.set(arg, value);
    } else if (spec.positional && (arg === '-' || !arg.startsWith('-'))) positional.push(arg);
    else throw new UsageError(`${arg.startsWith('-') ? 'unknown option' : 'unexpected argument'} ${arg}`);
  }
  return { values, flags, positional };
}

/** A script's command line: how to call it, how it reads its arguments, and what it does. */
export interface CliDefinition<Request> {
  /** How to call it: printed for `--help`, and after a usage mistake. */
  readonly usage: string;
  /** Reads the arguments; throws {@link UsageError} for anything it does not take. */
  readonly parse: (args: readonly string[]) => Request;
  /** Does the work; returns the exit status (0 when nothing is returned). */
  readonly run: (request: Request) => number | void | Promise<number | void>;
  /**
   * The exit status of an error other than a usage mistake.
   * @default - 1
   */
  readonly exitCodeOf?: (error: unknown) => number | undefined;
}

/**
 * Runs a script from its command line: prints the usage for `--help` (exit
 * 0), reports a {@link UsageError} with the usage (exit 2), any other error by
 * its message alone (a bug, such as a TypeError, with its stack), and exits
 * with what `run` returns.
 */
export function startCli<Request>(cli: CliDefinition<Request>, args: readonly string[] = process.argv.slice(2)): void {
  if (wantsHelp(args)) {
    console.log(cli.usage);
    process.exit(0);
  }
  Promise.resolve()
    .then(() => cli.run(cli.parse(args)))
    .then(
      (code) => exitFlushed(code ?? 0),
      (error: unknown) => {
        if (error instanceof UsageError) {
          console.error(`${error.message}\n${cli.usage}`);
          return exitFlushed(EXIT_USAGE);
        }
        // A TypeError or the like is a bug, and keeps its stack; a thrown Error's message says what went wrong.
        const bug = error instanceof TypeError || error instanceof ReferenceError || error instanceof RangeError;
        console.error(bug ? error.stack : error instanceof Error ? error.message : String(error));
        return exitFlushed(cli.exitCodeOf?.(error) ?? 1);
      },
    );
}

/**
 * Exits once stdout and stderr have handed over what was written to them: a
 * pipe is written asynchronously, and exiting at once cuts it at 64 KiB.
 * A write's callback runs after every write before it.
 */
function exitFlushed(code: number): void {
  process.exitCode = code;
  let open = 2;
  const flushed = () => {
    if (--open === 0) process.exit(code);
  };
  process.stdout.write('', flushed);
  process.stderr.write('', flushed);
}

/**
 * What to tell a user about an error that is theirs to fix: the message of an
 * error named in `userErrors` (its message already says what is wrong), or
 * for a TypeScript file that does not parse, the file, line, column and what
 * was expected, relative to `cwd`. Undefined for anything else: a bug, which
 * keeps its stack trace.
 */
export function userErrorMessage(error: unknown, userErrors: ReadonlySet<string>, cwd: string = process.cwd()): string | undefined {
  if (!(error instanceof Error)) return undefined;
  if (userErrors.has(error.name)) return error.message;
  // tsx reports a file that does not parse as esbuild's TransformError, with file:line:col per error.
  if (error.name === 'TransformError' || error instanceof SyntaxError) {
    const where = error.message.replace(/^Transform failed with \d+ errors?:\n/, '').replaceAll(`${cwd}/`, '').replace(/: ERROR: /g, ': ');
    return `This file does not parse:\n${where}`;
  }
  return undefined;
}
