import { type Json, type JsonObject, valueAtPath } from "../../json";
/**
 * Facts about the workloads a Helm chart (or kustomization) creates, for the workload simulation:
 * Helm charts are not rendered offline, so what their Pods look like is read from the chart's
 * values.yaml and templates at the pinned version, once, and written here with the file each fact
 * comes from. Values the plan sets (the chart resource's `values`) override the chart's defaults as
 * Helm coalesces them: maps merge key by key, lists and scalars replace.
 */
export type Values = JsonObject;

/** A chart release as the plan declares it. */
export interface ChartRelease {
  readonly name: string;
  readonly namespace: string;
  readonly values: Values;
}

/** A workload the chart creates and the Pod template it gives it. */
export interface ChartWorkloadFact {
  readonly kind: "Deployment" | "StatefulSet" | "DaemonSet" | "Job";
  readonly name: string;
  /** Pods at once (DaemonSets: 1 per matching node). */
  readonly replicas: number;
  readonly template: {
    metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
    spec: Values;
  };
  /** The chart files the template was read from. */
  readonly source: string;
}

/** A PodDisruptionBudget the chart renders, and the chart workload (by name) its selector picks. */
export interface ChartBudgetFact {
  readonly name: string;
  /** The ChartWorkloadFact's name whose Pods it selects. */
  readonly workload: string;
  readonly minAvailable?: number | string;
  readonly maxUnavailable?: number | string;
  /** The chart template that renders it. */
  readonly source: string;
}

/** Namespaces a kustomization creates itself, with their labels. */
export interface CreatedNamespace {
  readonly name: string;
  readonly labels: Record<string, string>;
}

export interface ChartFacts {
  /** The chart's name: the last segment of an `oci://` reference, or the repository chart name. */
  readonly chart: string;
  readonly version: string;
  /** Where the facts were read (repository, tag). */
  readonly source: string;
  workloads(release: ChartRelease): ChartWorkloadFact[];
  /** The PodDisruptionBudgets the chart renders with these values (none when absent). */
  disruptionBudgets?(release: ChartRelease): ChartBudgetFact[];
  /** Notes for the report: what the facts leave out. */
  readonly notes?: readonly string[];
}

export interface KustomizationFacts {
  /** The kustomization's URL without the ref query. */
  readonly url: string;
  readonly ref: string;
  readonly source: string;
  readonly namespaces: readonly CreatedNamespace[];
  workloads(): ChartWorkloadFact[];
}

/** Helm's coalesce of user values over chart defaults: maps merge, everything else replaces. */
export function coalesce<T>(defaults: T, given: unknown): T {
  if (given === undefined || given === null) return defaults;
  if (isMap(defaults) && isMap(given)) {
    const merged: Values = { ...defaults };
    for (const [key, value] of Object.entries(given)) merged[key] = coalesce((defaults as Values)[key], value);
    return merged as T;
  }
  return given as T;
}

const isMap = (value: unknown): value is Values => !!value && typeof value === "object" && !Array.isArray(value);

/** A value by dotted path. */
export const valueAt = (values: Values, path: string): Json => valueAtPath(values, path);

/** A non-empty map, or undefined (Helm's `{{- with }}` skips empty maps). */
export const nonEmpty = (value: unknown): Values | undefined =>
  isMap(value) && Object.keys(value).length ? value : undefined;

/**
 * The `<chart>.fullname` helper most charts share (helm create's _helpers.tpl): fullnameOverride,
 * else the release name if it contains the chart name, else `<release>-<chart>`.
 */
export function fullname(release: ChartRelease, chart: string): string {
  const override = release.values.fullnameOverride;
  if (typeof override === "string" && override) return override.slice(0, 63);
  const name = (release.values.nameOverride as string) || chart;
  return (release.name.includes(name) ? release.name : `${release.name}-${name}`).slice(0, 63);
}
