import type { CarbonTier } from "./catalog/regions";

/**
 * The governance and sustainability label taxonomy (see DESIGN.md, "Labels").
 * GCP label syntax: keys `^[a-z][a-z0-9_-]{0,62}$`, values `^[a-z0-9_-]{0,63}$`, at most 64 labels
 * per resource (Google Cloud "Labels" documentation).
 */
export const LABEL_KEY_PATTERN = /^[a-z][a-z0-9_-]{0,62}$/;
export const LABEL_VALUE_PATTERN = /^[a-z0-9_-]{0,63}$/;
export const MAX_LABELS_PER_RESOURCE = 64;

export const WORKLOAD_TYPES = ["training", "inference", "data", "platform"] as const;
export type WorkloadType = (typeof WORKLOAD_TYPES)[number];

export const DATA_CLASSIFICATIONS = ["public", "internal", "confidential", "restricted"] as const;
export type DataClassification = (typeof DATA_CLASSIFICATIONS)[number];

/** Classifications whose data must be encrypted with a customer-managed key. */
export const CMEK_CLASSIFICATIONS: readonly DataClassification[] = ["confidential", "restricted"];

/** A data store's classification without the customer-managed key it needs: what to do, or undefined. */
export function missingKeyProblem(classification: DataClassification, kmsKeyName: unknown): string | undefined {
  if (!CMEK_CLASSIFICATIONS.includes(classification) || kmsKeyName) return undefined;
  return `${classification} data needs a customer-managed key. Either set kmsKeyName, or classify the data as internal or public`;
}

/** The stack-wide governance labels every component receives. */
export interface StackLabels {
  /** The stack name (`dev`, `staging`, `prod`, or a fork's name). */
  readonly env: string;
  readonly team: string;
  readonly costCenter: string;
  /** Further labels from config, applied to every labelled resource. */
  readonly extra?: Readonly<Record<string, string>>;
}

/** Sustainability labels for compute: what runs there, whether it can move, how clean the grid is. */
export interface SustainabilityLabels {
  readonly workloadType: WorkloadType;
  readonly shiftable: boolean;
  readonly carbonTier: CarbonTier;
}

/** Governance labels for one resource of a component (`component` is the kebab-case component name). */
export function governanceLabels(stack: StackLabels, component: string): Record<string, string> {
  return {
    ...stack.extra,
    env: stack.env,
    team: stack.team,
    "cost-center": stack.costCenter,
    "managed-by": "pulumi",
    component,
  };
}

export function sustainabilityLabels(labels: SustainabilityLabels): Record<string, string> {
  return {
    "workload-type": labels.workloadType,
    shiftable: String(labels.shiftable),
    "carbon-tier": labels.carbonTier,
  };
}

/** Governance plus sustainability labels, for clusters, node pools and Cloud Run services. */
export function computeLabels(
  stack: StackLabels,
  component: string,
  sustainability: SustainabilityLabels,
): Record<string, string> {
  return { ...governanceLabels(stack, component), ...sustainabilityLabels(sustainability) };
}

/** Governance labels plus `data-classification`, for data stores. */
export function dataLabels(
  stack: StackLabels,
  component: string,
  classification: DataClassification,
): Record<string, string> {
  return { ...governanceLabels(stack, component), "data-classification": classification };
}

/** Problems with a label set's GCP syntax, one sentence each; empty when valid. */
export function labelSyntaxProblems(labels: Readonly<Record<string, string>>): string[] {
  const problems: string[] = [];
  const keys = Object.keys(labels);
  if (keys.length > MAX_LABELS_PER_RESOURCE) {
    problems.push(`${keys.length} labels, more than the ${MAX_LABELS_PER_RESOURCE} GCP allows`);
  }
  for (const key of keys) {
    if (!LABEL_KEY_PATTERN.test(key)) {
      problems.push(`label key "${key}" does not match ${LABEL_KEY_PATTERN.source}`);
    }
    const value = labels[key];
    if (!LABEL_VALUE_PATTERN.test(value)) {
      problems.push(`label "${key}" value "${value}" does not match ${LABEL_VALUE_PATTERN.source}`);
    }
  }
  return problems;
}

/** Labels for Kubernetes objects: the recommended app labels and the governance set under `cnai.dev/`. */
export function kubernetesLabels(stack: StackLabels, component: string): Record<string, string> {
  return {
    "app.kubernetes.io/managed-by": "pulumi",
    "app.kubernetes.io/part-of": "cnai-platform",
    "cnai.dev/env": stack.env,
    "cnai.dev/team": stack.team,
    "cnai.dev/cost-center": stack.costCenter,
    "cnai.dev/component": component,
  };
}

/** Pod Security Admission labels for a namespace: `enforce` at the level given, `warn` and `audit` at restricted. */
export function podSecurityLabels(enforce: "restricted" | "baseline" | "privileged"): Record<string, string> {
  return {
    "pod-security.kubernetes.io/enforce": enforce,
    "pod-security.kubernetes.io/enforce-version": "latest",
    "pod-security.kubernetes.io/warn": "restricted",
    "pod-security.kubernetes.io/audit": "restricted",
  };
}

/** The sustainability labels on Kubernetes objects (training and serving custom resources). */
export function kubernetesSustainabilityLabels(labels: SustainabilityLabels): Record<string, string> {
  return {
    "cnai.dev/workload-type": labels.workloadType,
    "cnai.dev/shiftable": String(labels.shiftable),
    "cnai.dev/carbon-tier": labels.carbonTier,
  };
}
