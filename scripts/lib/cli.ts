import { parseArgs } from "node:util";
import { ConfigError } from "../../stacks/config/errors";
import { errorMessage, isUserError, ProgramError } from "./engine";
import { UsageError } from "./project-files";

/** Exit statuses of plan and policy (DESIGN.md): clean or advisory, mandatory violation, error. */
export const EXIT_OK = 0;
export const EXIT_MANDATORY_VIOLATION = 1;
export const EXIT_ERROR = 2;

type FlagSpec = Record<string, { type: "string" | "boolean"; short?: string }>;

/** Parses flags; unknown flags and stray arguments are usage errors. */
export function parseFlags<T extends FlagSpec>(argv: string[], spec: T, usage: string) {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...spec, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: true,
    });
    if (positionals.length) throw new UsageError(`unexpected argument ${positionals[0]}\n${usage}`);
    return values as { [K in keyof T]?: T[K]["type"] extends "string" ? string : boolean } & { help?: boolean };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${(error as Error).message}\n${usage}`);
  }
}

/**
 * Prints an error the way a user should see it: config, usage and component errors as their
 * message alone; anything else as a program error, with its stack only under --verbose.
 */
export function reportError(tool: string, error: unknown, verbose: boolean): number {
  const cause = error instanceof ProgramError ? error.cause : error;
  if (ConfigError.isConfigError(cause) || cause instanceof UsageError) {
    process.stderr.write(`${tool}: ${cause.message}\n`);
  } else if (isUserError(cause)) {
    process.stderr.write(`${tool}: the program stopped: ${errorMessage(cause)}\n`);
  } else {
    process.stderr.write(`${tool}: the program failed: ${errorMessage(cause)}\n`);
    if (!verbose) process.stderr.write(`${tool}: run again with --verbose for the stack trace\n`);
  }
  if (verbose && cause instanceof Error && cause.stack) process.stderr.write(`${cause.stack}\n`);
  return EXIT_ERROR;
}
