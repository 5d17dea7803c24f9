import type { Json } from "../../../../../components/json";
import type { Props } from "../model";

/**
 * A strategic merge patch (k8s.io/apimachinery/pkg/util/strategicpatch) over the JobSet and Pod
 * fields a training runtime patch touches: maps merge key by key, lists of named things merge by
 * their `patchMergeKey`, any other list or scalar replaces. The merge keys are those of the Go types:
 * k8s.io/api/core/v1/types.go (containers, initContainers, volumes, env, ports by name or
 * containerPort, volumeMounts by mountPath) and sigs.k8s.io/jobset api (replicatedJobs by name).
 * `$patch` directives are not supported (the runtime patches the blueprint writes use none).
 */
const MERGE_KEYS: Readonly<Record<string, string>> = {
  replicatedJobs: "name",
  containers: "name",
  initContainers: "name",
  ephemeralContainers: "name",
  volumes: "name",
  env: "name",
  volumeMounts: "mountPath",
  ports: "containerPort",
  imagePullSecrets: "name",
  hostAliases: "ip",
  topologySpreadConstraints: "topologyKey",
  resourceClaims: "name",
};

export function strategicMerge(base: unknown, patch: unknown, field = ""): Json {
  if (patch === undefined) return structuredClone(base);
  if (patch === null) return undefined;
  if (Array.isArray(patch)) {
    const key = MERGE_KEYS[field];
    if (!key || !Array.isArray(base)) return structuredClone(patch);
    const merged: Props[] = base.map((item) => structuredClone(item));
    for (const item of patch as Props[]) {
      const at = merged.findIndex((m) => m?.[key] !== undefined && m?.[key] === item?.[key]);
      if (at >= 0) merged[at] = strategicMerge(merged[at], item);
      else merged.push(structuredClone(item));
    }
    return merged;
  }
  if (patch && typeof patch === "object") {
    const result: Props = base && typeof base === "object" && !Array.isArray(base) ? structuredClone(base) : {};
    for (const [k, v] of Object.entries(patch as Props)) {
      const merged = strategicMerge(result[k], v, k);
      if (merged === undefined) delete result[k];
      else result[k] = merged;
    }
    return result;
  }
  return patch;
}
