import type { PodObject, Problem } from "../model";
import { checksAt, type Failure } from "./pod-security-checks";

/**
 * Pod Security Admission as the API server runs it: the namespace's
 * `pod-security.kubernetes.io/enforce` level (none: privileged, the GKE default) and
 * `enforce-version` (default latest), evaluated with the checks of the cluster's own version of
 * kubernetes/pod-security-admission (pod-security-checks.ts). A version newer than the cluster's,
 * and `latest`, evaluate at the cluster's version (policy/registry.go EvaluatePod: maxVersion).
 * Violations are reported as the plugin reports them:
 * `violates PodSecurity "<level>:<version>": <reason> (<detail>), ...`.
 */
export const ENFORCE_LABEL = "pod-security.kubernetes.io/enforce";
export const ENFORCE_VERSION_LABEL = "pod-security.kubernetes.io/enforce-version";
const MODES = ["enforce", "audit", "warn"] as const;
const SOURCE = "kubernetes/pod-security-admission policy/check_*.go, policy/registry.go (versioned checks)";
const LABELS_SOURCE =
  "kubernetes/pod-security-admission api/helpers.go (ParseLevel, ParseVersion, PolicyToEvaluate), admission/admission.go (ValidateNamespace: valid labels required on create)";

type Level = "privileged" | "baseline" | "restricted";
const LEVELS: readonly string[] = ["privileged", "baseline", "restricted"];
// api/helpers.go versionRegexp
const VERSION = /^v1\.([0-9]|[1-9][0-9]*)$/;

/** The label errors the Namespace would be refused for (every mode's level and version label), as the API server words them. */
export function podSecurityLabelErrors(labels: Record<string, string>): string[] {
  const errors: string[] = [];
  for (const mode of MODES) {
    const levelKey = `pod-security.kubernetes.io/${mode}`;
    const versionKey = `${levelKey}-version`;
    if (levelKey in labels && !LEVELS.includes(labels[levelKey]))
      errors.push(
        `metadata.labels[${levelKey}]: Invalid value: "${labels[levelKey]}": must be one of privileged, baseline, restricted`,
      );
    if (versionKey in labels && labels[versionKey] !== "latest" && !VERSION.test(labels[versionKey]))
      errors.push(`metadata.labels[${versionKey}]: Invalid value: "${labels[versionKey]}": must be "latest" or "v1.x"`);
  }
  return errors;
}

/** The level a namespace enforces and its version label; invalid values evaluate as restricted and latest (ParseLevel, ParseVersion). */
export function enforcedLevel(labels: Record<string, string>): { level: Level; version: string } {
  const value = labels[ENFORCE_LABEL];
  const level: Level = value === undefined ? "privileged" : LEVELS.includes(value) ? (value as Level) : "restricted";
  const version = labels[ENFORCE_VERSION_LABEL];
  return { level, version: version !== undefined && VERSION.test(version) ? version : "latest" };
}

/** The minor version whose checks apply: the label's, at most the cluster's (`latest` is the cluster's). */
export function policyMinor(version: string, clusterMinor: number): number {
  const match = VERSION.exec(version);
  return match ? Math.min(Number(match[1]), clusterMinor) : clusterMinor;
}

/** Pod Security Admission's verdict on a Pod in a namespace with these labels on a cluster of this minor version; undefined when it admits it. */
export function admitPodSecurity(
  pod: PodObject,
  labels: Record<string, string>,
  groupName: string,
  clusterMinor: number,
): Problem | undefined {
  const { level, version } = enforcedLevel(labels);
  if (level === "privileged") return undefined;
  const failures = checksAt(level, policyMinor(version, clusterMinor))
    .map(({ check }) => check(pod.spec, pod.metadata))
    .filter((f): f is Failure => !!f);
  if (!failures.length) return undefined;
  return {
    pod: groupName,
    step: "PodSecurity",
    message: `violates PodSecurity "${level}:${version}": ${failures.map((f) => `${f.reason} (${f.detail})`).join(", ")}`,
    fix: `${[...new Set(failures.map((f) => f.fix))].join("; ")}; or run it in a namespace whose ${ENFORCE_LABEL} level allows it`,
    source: `${SOURCE}, at policy version 1.${policyMinor(version, clusterMinor)} on a 1.${clusterMinor} cluster`,
  };
}

/** The Namespace itself refused for its Pod Security labels: every workload in it is refused in turn. */
export function refusedNamespace(
  name: string,
  errors: readonly string[],
): { message: string; fix: string; source: string } {
  return {
    message: `Namespace "${name}" is refused: ${errors.join("; ")}`,
    fix: `fix the Pod Security labels of namespace ${name}: levels are privileged, baseline or restricted; versions are latest or v1.<minor>`,
    source: LABELS_SOURCE,
  };
}
