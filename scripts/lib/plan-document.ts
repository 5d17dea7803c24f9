import type { PlanDiff } from "../../policies/lib/analysis/plan-diff";
import type { WorkloadsSection } from "../../policies/lib/analysis/workloads/model";
import type { EnforcementLevel } from "../../policies/lib/policy";
import type { RunResult } from "./engine";
import type { PlainValue } from "./wire-values";

/**
 * plan.json: the contract in ../shared/contracts/plan.schema.json (DESIGN.md, "Offline engine").
 */
export interface PlanResourceOptions {
  protect: boolean;
  retainOnDelete: boolean;
  deleteBeforeReplace: boolean;
  ignoreChanges: string[];
  /** Explicit `dependsOn` (dependencies that no input property carries). */
  dependsOn: string[];
  aliases: unknown[];
  additionalSecretOutputs: string[];
  replaceOnChanges?: string[];
  deletedWith?: string | null;
  /** Resources whose replacement replaces this one (the replaceWith option). */
  replaceWith?: string[];
  /** How long the engine waits for the provider's create, update and delete (Go durations, "45m"); null for the provider's defaults. */
  customTimeouts?: { create?: string; update?: string; delete?: string } | null;
}

export interface PlanResource {
  urn: string;
  type: string;
  name: string;
  parent: string | null;
  provider: string | null;
  custom: boolean;
  inputs: Record<string, PlainValue>;
  options: PlanResourceOptions;
  /** For each input property, the URNs its value came from. */
  propertyDependencies?: Record<string, string[]>;
}

export type { EnforcementLevel };

/**
 * A policy finding as CrossGuard reports it (pulumirpc.AnalyzeDiagnostic): `message` is the whole
 * message the CLI shows (for a policy's own report, its description, a new line, then what the
 * policy said); `description` is the policy's description.
 */
export interface PolicyViolation {
  pack: string;
  policy: string;
  enforcementLevel: EnforcementLevel;
  /** The resource's URN; null for the stack. */
  urn: string | null;
  message: string;
  description?: string;
}

export interface Range {
  idle: number;
  max: number;
}

export interface Estimate {
  gpus: Range;
  energyKwhPerMonth: Range;
  co2eKgPerMonth: Range;
  costUsdPerMonth: Range;
  [detail: string]: unknown;
}

export interface Plan {
  project: string;
  stack: string;
  /** True when provider-computed outputs were left unknown (a first `pulumi preview`). */
  preview?: boolean;
  resources: PlanResource[];
  outputs: Record<string, PlainValue>;
  policy: { packs: Array<string | { name: string; [key: string]: unknown }>; violations: PolicyViolation[] };
  estimate?: Estimate;
  /** Would every workload run: its Pods, their admission and where they land (policies/lib/analysis/workloads). */
  workloads?: WorkloadsSection;
  /** What changes against a base plan (`plan --against`): policies/lib/analysis/plan-diff. */
  diff?: PlanDiff;
}

export function planFromRun(run: RunResult): Plan {
  return {
    project: run.project,
    stack: run.stack,
    preview: run.preview,
    // The root stack first, then by URN: registration order varies from run to run.
    resources: [...run.resources]
      .sort(
        (a, b) =>
          Number(b.type === "pulumi:pulumi:Stack") - Number(a.type === "pulumi:pulumi:Stack") ||
          a.urn.localeCompare(b.urn),
      )
      .map((r) => ({
        urn: r.urn,
        type: r.type,
        name: r.name,
        parent: r.parent,
        provider: r.provider,
        custom: r.custom,
        inputs: r.inputs,
        options: { ...r.options },
        propertyDependencies: r.propertyDependencies,
      })),
    outputs: run.outputs,
    policy: { packs: [], violations: [] },
  };
}

/** Is this resource a Kubernetes object the program declares (not a provider, chart or config group)? */
export function isKubernetesObject(resource: Pick<PlanResource, "type" | "custom" | "inputs">): boolean {
  if (!resource.custom || !resource.type.startsWith("kubernetes:")) return false;
  if (/^kubernetes:(helm\.sh|yaml|kustomize)\//.test(resource.type)) return false;
  return typeof resource.inputs.apiVersion === "string" && typeof resource.inputs.kind === "string";
}

/** Is this resource a Helm chart release? */
export function isHelmChart(resource: Pick<PlanResource, "type">): boolean {
  return /^kubernetes:helm\.sh\/v\d+:(Chart|Release)$/.test(resource.type);
}
