import * as fs from "node:fs";
import * as path from "node:path";
import { isKubernetesObject, type Plan, type PlanResource } from "./plan-document";
import { toYaml } from "./yaml-emit";

/** A Kubernetes object of the plan, ready to write as YAML. */
export interface Manifest {
  readonly fileName: string;
  readonly object: Record<string, unknown>;
  readonly urn: string;
}

/** Kinds applied first, in this order, so later objects find their namespace and CRDs. */
const APPLY_FIRST = [
  "Namespace",
  "CustomResourceDefinition",
  "PriorityClass",
  "ServiceAccount",
  "ClusterRole",
  "Role",
  "ClusterRoleBinding",
  "RoleBinding",
  "ConfigMap",
  "Secret",
];

export function manifestsOf(plan: Plan): Manifest[] {
  const objects = plan.resources.filter(isKubernetesObject);
  const rank = (r: PlanResource) => {
    const i = APPLY_FIRST.indexOf(String(r.inputs.kind));
    return i === -1 ? APPLY_FIRST.length : i;
  };
  const sortKey = (r: PlanResource) => {
    const metadata = (r.inputs.metadata ?? {}) as Record<string, unknown>;
    return `${r.inputs.kind}/${metadata.namespace ?? ""}/${metadata.name ?? r.name}/${r.urn}`;
  };
  // Kinds in apply order, then a stable order, so a change shows as a small diff.
  const ordered = [...objects].sort((a, b) => rank(a) - rank(b) || sortKey(a).localeCompare(sortKey(b)));
  const width = String(ordered.length).length;
  return ordered.map((resource, i) => {
    const metadata = (resource.inputs.metadata ?? {}) as Record<string, unknown>;
    const parts = [String(resource.inputs.kind), metadata.namespace, metadata.name ?? resource.name]
      .filter((p) => typeof p === "string" && p.length > 0)
      .map((p) =>
        String(p)
          .toLowerCase()
          .replace(/[^a-z0-9.-]+/g, "-"),
      );
    return {
      fileName: `${String(i + 1).padStart(Math.max(width, 3), "0")}-${parts.join("-")}.yaml`,
      object: kubernetesObject(resource),
      urn: resource.urn,
    };
  });
}

/** Marks a Secret whose data the plan withholds. */
export const WITHHELD_ANNOTATION = "cnai.dev/withheld";

/**
 * The object as kubectl would see it: apiVersion, kind and metadata first. Secret data is never
 * written: a Secret's `data`/`stringData` become empty and an annotation says what was withheld.
 */
function kubernetesObject(resource: PlanResource): Record<string, unknown> {
  const { apiVersion, kind, metadata, ...rest } = resource.inputs;
  const meta = { ...((metadata ?? { name: resource.name }) as Record<string, unknown>) };
  if (kind === "Secret") {
    const withheld = (["data", "stringData"] as const).filter((key) => key in rest);
    for (const key of withheld) delete rest[key];
    if (withheld.length) {
      meta.annotations = {
        ...(meta.annotations as Record<string, string> | undefined),
        [WITHHELD_ANNOTATION]: `${withheld.join(", ")}: set by Pulumi, not written to manifests`,
      };
    }
  }
  return { apiVersion, kind, metadata: meta, ...rest };
}

/** Writes one YAML document per object into `dir` (emptied first), the files at once. Returns the file names. */
export async function writeManifests(plan: Plan, dir: string): Promise<string[]> {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const manifests = manifestsOf(plan);
  await Promise.all(
    manifests.map((manifest) =>
      fs.promises.writeFile(path.join(dir, manifest.fileName), `# ${manifest.urn}\n${toYaml(manifest.object)}`),
    ),
  );
  return manifests.map((m) => m.fileName);
}
