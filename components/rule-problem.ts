import * as pulumi from "@pulumi/pulumi";

/**
 * A broken rule, as the pure rule modules (components/compute/gpu-pool-rules.ts, cluster-rules.ts,
 * components/serving/serving-rules.ts) return it: the field (relative to what the rules check), what
 * it holds, and what is allowed. The config schema reports it against the stack file's key; a
 * component throws it with {@link throwProblems}. One rule, one wording, in both places.
 */
export interface RuleProblem {
  readonly path: (string | number)[];
  readonly input: unknown;
  readonly message: string;
}

/** The problems with their paths put under `prefix` (a rule's field as a key of a larger object). */
export function under(prefix: readonly (string | number)[], problems: readonly RuleProblem[]): RuleProblem[] {
  return problems.map((problem) => ({ ...problem, path: [...prefix, ...problem.path] }));
}

/**
 * A component's argument problems as one ResourceError: `Kind "name": <field>: got <value>; allowed:
 * <what>; …` (the Pulumi CLI prints it without a stack trace; `plan` exits 2 with it). Returns when
 * there are none.
 */
export function throwProblems(
  kind: string,
  name: string,
  problems: readonly RuleProblem[],
  resource?: pulumi.Resource,
): void {
  if (problems.length === 0) return;
  const details = problems.map((p) => `${p.path.join(".")}: got ${JSON.stringify(p.input)}; allowed: ${p.message}`);
  throw new pulumi.ResourceError(`${kind} "${name}": ${details.join("; ")}`, resource);
}
