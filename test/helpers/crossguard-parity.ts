import * as fs from "node:fs";
import * as path from "node:path";
import { PACKS, type ShippedPack } from "../../policies/lib/packs";
import { analyzerResources } from "../../scripts/lib/crossguard/analyzer-resource";
import { cliConfigureLocalPack, type PolicyConfigFileText } from "../../scripts/lib/crossguard/config";
import type { Diagnostic } from "../../scripts/lib/crossguard/policy-server";
import type { Plan, PolicyViolation } from "../../scripts/lib/plan-document";
import { policyConfigFile } from "../../scripts/lib/policy-check";
import { violationOf } from "../../scripts/lib/policy-engine";
import { packHost } from "./crossguard-host";
import { ROOT } from "./run";

/** `--policy-pack policies/<dir> --policy-pack-config <file>`, as typed from the repository root. */
export interface PackArgument {
  readonly pack: Pick<ShippedPack, "dir" | "name">;
  /** The pack folder as given to --policy-pack (relative to the root). */
  readonly packPath: string;
  readonly config?: PolicyConfigFileText;
}

/** The shipped stack's `--policy-pack ... --policy-pack-config ...` pairs, files read from disk. */
export function stackPackArguments(stack: string, root = ROOT): PackArgument[] {
  return PACKS.map((pack) => {
    const file = policyConfigFile(root, stack, pack);
    return {
      pack,
      packPath: `policies/${pack.dir}`,
      config: { path: path.relative(root, file), text: fs.readFileSync(file, "utf8") },
    };
  });
}

export interface HostRun {
  readonly violations: PolicyViolation[];
  /** Analyze and AnalyzeStack requests sent (Analyze answers are reused for identical requests). */
  readonly requests: number;
}

const analyzed = new Map<string, Promise<Diagnostic[]>>();

/**
 * A plan through the packs under the real host, as `pulumi preview --policy-pack ...` would run it:
 * each pack configured by the CLI's rules from its config file and the info the host reports, every
 * resource analyzed, then the stack. Violations are attributed as the CLI attributes them: an
 * Analyze result to the analyzed resource, an AnalyzeStack result to the URN it names when that is
 * a resource of the plan, else to the stack (null), and remediate shown as mandatory
 * (pkg/resource/deploy/analyze_snapshot.go analyzeResource, resolveStackPolicyViolationURN).
 * Throws what the CLI would stop with: a refused config, or a failed request.
 */
export async function hostViolations(
  plan: Pick<Plan, "project" | "stack" | "resources">,
  args: readonly PackArgument[],
  dryRun: boolean,
  root = ROOT,
): Promise<HostRun> {
  const resources = analyzerResources(plan);
  const inPlan = new Set(resources.map((r) => r.urn));
  let requests = 0;
  // The packs are separate processes, as under the CLI (which also analyzes with them in parallel).
  const perPack = await Promise.all(
    args.map(async (arg) => {
      const host = await packHost(path.join(root, arg.packPath));
      const request = cliConfigureLocalPack(host.info, arg.packPath, arg.config);
      await host.configureStack({ project: plan.project, stack: plan.stack, dryRun });
      await host.configure(request);
      // Analyze answers from the resource and the config alone (server.ts: the policies, the
      // configured levels and properties, the stack tags); a resource a broken plan did not change,
      // under the same config, is answered from the first run.
      const configKey = `${host.dir}\n${JSON.stringify([...request])}`;
      const perResource = await Promise.all(
        resources.map(async (r) => {
          const key = `${configKey}\n${JSON.stringify(r)}`;
          let answer = analyzed.get(key);
          if (!answer) {
            answer = host.analyze(r);
            analyzed.set(key, answer);
            requests += 1;
          }
          return (await answer).map((d) => violationOf(d, r.urn));
        }),
      );
      const stack = await host.analyzeStack(resources);
      requests += 1;
      return [...perResource.flat(), ...stack.map((d) => violationOf(d, d.urn && inPlan.has(d.urn) ? d.urn : null))];
    }),
  );
  return { violations: perPack.flat(), requests };
}

/** Violations in a stable order, for comparing two runs as multisets. */
export function sortedViolations(violations: readonly PolicyViolation[]): PolicyViolation[] {
  const key = (v: PolicyViolation) =>
    JSON.stringify([v.pack, v.policy, v.urn ?? "", v.enforcementLevel, v.message, v.description ?? ""]);
  return [...violations]
    .map((v) => ({
      pack: v.pack,
      policy: v.policy,
      enforcementLevel: v.enforcementLevel,
      urn: v.urn,
      message: v.message,
      description: v.description,
    }))
    .sort((a, b) => key(a).localeCompare(key(b)));
}
