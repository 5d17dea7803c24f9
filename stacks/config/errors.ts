import * as pulumi from "@pulumi/pulumi";

/** One problem in a stack's configuration. */
export interface ConfigProblem {
  /** The config key as written in the stack file, with the path inside it: `cnai-platform:gpuPools[0].name`. */
  readonly key: string;
  /** What the stack gave (undefined when the key is missing). */
  readonly given: unknown;
  /** What is allowed there. */
  readonly allowed: string;
  /** Set when the key itself is unknown (a typo) rather than its value wrong. */
  readonly unknownKey?: boolean;
}

/**
 * An invalid stack configuration. A `RunError`, so the Pulumi CLI prints the message without a
 * stack trace; the offline `plan` exits 2 with it.
 */
export class ConfigError extends pulumi.RunError {
  readonly file: string;
  readonly problems: readonly ConfigProblem[];

  constructor(file: string, problems: readonly ConfigProblem[]) {
    super(formatProblems(file, problems));
    this.name = "ConfigError";
    this.file = file;
    this.problems = problems;
  }

  static isConfigError(error: unknown): error is ConfigError {
    return error instanceof Error && error.name === "ConfigError" && Array.isArray((error as ConfigError).problems);
  }
}

export function formatProblems(file: string, problems: readonly ConfigProblem[]): string {
  const lines = problems.map((problem) =>
    problem.unknownKey
      ? `${file}: ${problem.key}: unknown key; allowed: ${problem.allowed}`
      : `${file}: ${problem.key}: got ${renderValue(problem.given)}; allowed: ${problem.allowed}`,
  );
  const heading = `Invalid configuration in ${file} (${problems.length} problem${problems.length === 1 ? "" : "s"}); nothing was created:`;
  return [heading, ...lines.map((line) => `  ${line}`)].join("\n");
}

export function renderValue(value: unknown): string {
  if (value === undefined) return "nothing (the key is missing)";
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** `["gpuPools", 0, "name"]` -> `gpuPools[0].name`. */
export function keyPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === "number" ? `[${part}]` : `${i === 0 ? "" : "."}${String(part)}`))
    .join("");
}
