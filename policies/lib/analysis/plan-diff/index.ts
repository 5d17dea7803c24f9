import { acceleratorOfMachineType, GPU_CATALOG } from "../../../../components/catalog/gpus";
import { type ReplaceRule, replaceRulesFor } from "../../../../components/catalog/replace-on-change";

/**
 * The plan diff for pull requests: what `pulumi up` would do to go from a base plan (the target
 * branch) to this one, resource by resource, matched by URN, and what it disrupts. Whether a
 * change replaces a resource comes from the replace-on-change table
 * (components/catalog/replace-on-change.ts: the providers' ForceNew fields) and the resource's
 * own `replaceOnChanges` option. Pure: plan.json resources in, a diff out.
 *
 * Values the plan cannot know are compared as written: `"[unknown]"` on both sides, or
 * `"[secret]"` on both sides, compares equal (the plan contract renders them so, and the
 * real values are not in the plan); a known value becoming unknown is a change.
 */

export interface DiffResource {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  inputs: Record<string, unknown>;
  options: { protect?: boolean; retainOnDelete?: boolean; ignoreChanges?: string[]; replaceOnChanges?: string[] };
}

export type ChangeAction = "create" | "update" | "replace" | "delete";

export interface ResourceChange {
  urn: string;
  type: string;
  name: string;
  action: ChangeAction;
  /** Changed input paths (list elements indexed: `nodeConfig.guestAccelerators[0].count`). */
  fields: string[];
  /** For a replacement: the changed fields that force it, each with the table's rule. */
  replacedBy?: string[];
}

export interface DrainedPool {
  urn: string;
  /** The GKE node pool name (`cloud.google.com/gke-nodepool`). */
  pool: string;
  action: "replace" | "delete";
  /** Whether the base plan schedules anything onto it (a Kueue flavor or a workload selects it). */
  inUse: boolean;
  gpusPerNode: number;
  /** At the pool's minimum size (idle) and its maximum, as plan.json's estimate ranges. */
  nodes: { idle: number; max: number };
  gpus: { idle: number; max: number };
}

export interface DiffFinding {
  urn: string;
  message: string;
}

export interface PlanDiff {
  /** What the base plan was (its stack and file, as given to --against). */
  against: string;
  summary: Record<ChangeAction | "unchanged", number>;
  changes: ResourceChange[];
  disruption: {
    /** GPUs of in-use pools replaced or deleted, at the pools' maximum size. */
    gpusDrained: number;
    pools: DrainedPool[];
    /** Workloads whose Pods are recreated: replaced, or their Pod template changed. */
    podsRestarted: DiffFinding[];
  };
  /** A protected resource or a data store replaced or deleted, or an update the API refuses. */
  errors: DiffFinding[];
}

const UNCHANGED = Symbol("unchanged");

interface Difference {
  /** Indexed path, for display. */
  path: string;
  /** Path without list indexes, as the table writes it. */
  key: string;
  /** A value added or removed where there was none, or a list of another length. */
  structural: boolean;
  /** For a value added or removed: the value on the side that has it. */
  value?: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const absent = (v: unknown) => v === undefined || v === null;

/** Every difference between two input values, as leaf paths (or the point where one side is absent). */
export function inputDifferences(base: unknown, next: unknown): Difference[] {
  const out: Difference[] = [];
  const walk = (a: unknown, b: unknown, path: string, key: string) => {
    if (compare(a, b) === UNCHANGED) return;
    if (absent(a) !== absent(b)) {
      const structural = isObject(a) || isObject(b) || Array.isArray(a) || Array.isArray(b);
      out.push({ path, key, structural, value: absent(a) ? b : a });
      return;
    }
    if (Array.isArray(a) && Array.isArray(b)) {
      if (a.length !== b.length) out.push({ path, key, structural: true });
      for (let i = 0; i < Math.min(a.length, b.length); i++) walk(a[i], b[i], `${path}[${i}]`, key);
      return;
    }
    if (isObject(a) && isObject(b)) {
      for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
        const sub = path ? `${path}.${k}` : k;
        walk(a[k], b[k], sub, key ? `${key}.${k}` : k);
      }
      return;
    }
    out.push({ path, key, structural: false });
  };
  walk(base, next, "", "");
  return out;
}

function compare(a: unknown, b: unknown): typeof UNCHANGED | undefined {
  if (absent(a) && absent(b)) return UNCHANGED;
  return JSON.stringify(a) === JSON.stringify(b) ? UNCHANGED : undefined;
}

const within = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}.`);

/** Whether a value has anything at this path (through every item of a list). */
function holds(value: unknown, path: readonly string[]): boolean {
  if (absent(value)) return false;
  // An empty list is no block: the providers' list blocks read [] as unset.
  if (Array.isArray(value)) return value.some((item) => holds(item, path));
  if (path.length === 0) return true;
  return isObject(value) && holds(value[path[0]], path.slice(1));
}

/**
 * A structural difference above the rule's path that touches it: a list of another length, or a
 * block added or removed that holds the rule's field (a block without it leaves the field unset on
 * both sides, which the provider does not diff). At the rule's path itself the callers have already
 * answered.
 */
const around = (d: Difference, path: string) =>
  within(path, d.key) && (!("value" in d) || holds(d.value, path.slice(d.key.length + 1).split(".")));

/** Does this difference force a replacement under this rule? */
function forces(rule: ReplaceRule, d: Difference): boolean {
  if (rule.when === "presence") return d.structural && (d.key === rule.path || around(d, rule.path));
  // A value changed at or below the rule's path, or a block added or removed around it.
  return within(d.key, rule.path) || (d.structural && around(d, rule.path));
}

/** The resource types that hold data: replacing or deleting one loses it (DESIGN.md, "Labels": data stores). */
export const DATA_STORE_TYPES: ReadonlySet<string> = new Set([
  "gcp:storage/bucket:Bucket",
  "gcp:sql/databaseInstance:DatabaseInstance",
  "gcp:sql/database:Database",
  "gcp:bigquery/dataset:Dataset",
  "gcp:bigquery/table:Table",
  "gcp:pubsub/topic:Topic",
  "gcp:pubsub/subscription:Subscription",
  "gcp:kms/keyRing:KeyRing",
  "gcp:kms/cryptoKey:CryptoKey",
  "gcp:secretmanager/secret:Secret",
  "gcp:artifactregistry/repository:Repository",
  "gcp:logging/projectBucketConfig:ProjectBucketConfig",
  "kubernetes:core/v1:PersistentVolumeClaim",
]);

/** Kinds that run Pods, and the input paths that are their Pod templates. */
const POD_TEMPLATES: Readonly<Record<string, readonly string[]>> = {
  "kubernetes:apps/v1:Deployment": ["spec.template"],
  "kubernetes:apps/v1:StatefulSet": ["spec.template"],
  "kubernetes:apps/v1:DaemonSet": ["spec.template"],
  "kubernetes:batch/v1:Job": ["spec.template"],
  "kubernetes:serving.kserve.io/v1beta1:InferenceService": ["spec.predictor", "spec.transformer", "spec.explainer"],
  "kubernetes:kubeflow.org/v1:PyTorchJob": ["spec.pytorchReplicaSpecs"],
  "kubernetes:trainer.kubeflow.org/v1alpha1:TrainJob": [
    "spec.trainer",
    "spec.podTemplateOverrides",
    "spec.runtimePatches",
  ],
  "kubernetes:ray.io/v1:RayCluster": ["spec.headGroupSpec", "spec.workerGroupSpecs"],
};

const NODE_POOL = "gcp:container/nodePool:NodePool";
const POOL_LABEL = "cloud.google.com/gke-nodepool";

/** The node pool names a plan's Kubernetes objects select (Kueue flavors, workloads' nodeSelectors). */
export function selectedPools(resources: readonly DiffResource[]): Set<string> {
  const pools = new Set<string>();
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (isObject(v))
      for (const [k, child] of Object.entries(v)) {
        if (k === POOL_LABEL && typeof child === "string") {
          pools.add(child);
        } else if (k === "values" && v.key === POOL_LABEL && Array.isArray(child)) {
          for (const x of child) if (typeof x === "string") pools.add(x);
        } else {
          walk(child);
        }
      }
  };
  for (const r of resources) if (r.type.startsWith("kubernetes:")) walk(r.inputs);
  return pools;
}

function gpuPool(r: DiffResource, action: "replace" | "delete", inUse: Set<string>): DrainedPool | undefined {
  const config = r.inputs.nodeConfig;
  const accelerators = isObject(config) && Array.isArray(config.guestAccelerators) ? config.guestAccelerators : [];
  const declared = accelerators.reduce(
    (n: number, a) => n + (isObject(a) && typeof a.count === "number" ? a.count : 0),
    0,
  );
  // GPUs per node from the GPU catalog where the machine type has built-in GPUs (A2, A3, G2 …);
  // N1 VMs carry the count attached in nodeConfig.guestAccelerators.
  const machineType = isObject(config) && typeof config.machineType === "string" ? config.machineType : "";
  const accelerator = acceleratorOfMachineType(machineType);
  const gpusPerNode = (accelerator && GPU_CATALOG[accelerator].machineTypes[machineType]?.gpus) || declared;
  if (gpusPerNode === 0) return undefined;
  const scaling = isObject(r.inputs.autoscaling) ? r.inputs.autoscaling : {};
  const zones = Array.isArray(r.inputs.nodeLocations) ? r.inputs.nodeLocations.length : 1;
  const num = (v: unknown) => (typeof v === "number" ? v : undefined);
  // nodeCount and initialNodeCount are per zone ("per instance group"), as the per-zone autoscaling limits.
  const fixed = num(r.inputs.nodeCount) ?? num(r.inputs.initialNodeCount) ?? 0;
  const min = num(scaling.totalMinNodeCount) ?? (num(scaling.minNodeCount) ?? fixed) * zones;
  const max = num(scaling.totalMaxNodeCount) ?? (num(scaling.maxNodeCount) ?? fixed) * zones;
  const pool = typeof r.inputs.name === "string" ? r.inputs.name : r.name;
  return {
    urn: r.urn,
    pool,
    action,
    inUse: inUse.has(pool),
    gpusPerNode,
    nodes: { idle: min, max },
    gpus: { idle: min * gpusPerNode, max: max * gpusPerNode },
  };
}

const typeLabel = (r: DiffResource) => `${r.type.split(":").pop()} ${r.name}`;

/** The diff from `base` to `next`. */
export function diffPlans(base: readonly DiffResource[], next: readonly DiffResource[], against: string): PlanDiff {
  const before = new Map(base.filter((r) => r.custom).map((r) => [r.urn, r]));
  const after = new Map(next.filter((r) => r.custom).map((r) => [r.urn, r]));
  const changes: ResourceChange[] = [];
  const errors: DiffFinding[] = [];
  const podsRestarted: DiffFinding[] = [];
  const pools: DrainedPool[] = [];
  const inUse = selectedPools(base);
  let unchanged = 0;

  const lost = (r: DiffResource, action: "replace" | "delete", why: string) => {
    const pool = r.type === NODE_POOL ? gpuPool(r, action, inUse) : undefined;
    if (pool) pools.push(pool);
    if (r.options.protect || r.options.retainOnDelete)
      errors.push({ urn: r.urn, message: `${typeLabel(r)} is protected and would be ${action}d${why}` });
    else if (DATA_STORE_TYPES.has(r.type))
      errors.push({
        urn: r.urn,
        message: `${typeLabel(r)} holds data and would be ${action}d${why}: its contents are lost`,
      });
    if (POD_TEMPLATES[r.type]) podsRestarted.push({ urn: r.urn, message: `${typeLabel(r)} is ${action}d` });
  };

  for (const [urn, r] of after) {
    const old = before.get(urn);
    if (!old) {
      changes.push({ urn, type: r.type, name: r.name, action: "create", fields: [] });
      continue;
    }
    const ignored = r.options.ignoreChanges ?? [];
    const diffs = inputDifferences(old.inputs, r.inputs).filter(
      (d) => !ignored.some((i) => within(d.key, i.replace(/\[\d+\]/g, ""))),
    );
    if (diffs.length === 0) {
      unchanged++;
      continue;
    }
    const table = replaceRulesFor(r.type);
    const rules: ReplaceRule[] = [
      ...(table?.rules ?? []),
      ...(r.options.replaceOnChanges ?? []).map((path) => ({ path, when: "change" as const })),
    ];
    const replacedBy = diffs.filter((d) => rules.some((rule) => forces(rule, d))).map((d) => d.path);
    const fields = diffs.map((d) => d.path);
    if (replacedBy.length) {
      changes.push({ urn, type: r.type, name: r.name, action: "replace", fields, replacedBy });
      lost(old, "replace", ` (${replacedBy.join(", ")} changed)`);
      continue;
    }
    changes.push({ urn, type: r.type, name: r.name, action: "update", fields });
    for (const refused of table?.refusedUpdates ?? [])
      for (const d of diffs.filter((x) => within(x.key, refused.path)))
        errors.push({
          urn,
          message: `${typeLabel(r)}: the API refuses to change ${d.path} in place (${refused.source}); give the object a new name instead`,
        });
    const templates = POD_TEMPLATES[r.type] ?? [];
    const restarting = diffs.filter((d) => templates.some((t) => within(d.key, t)));
    if (restarting.length)
      podsRestarted.push({
        urn,
        message: `${typeLabel(r)}: Pod template changed (${restarting.map((d) => d.path).join(", ")})`,
      });
  }
  for (const [urn, r] of before)
    if (!after.has(urn)) {
      changes.push({ urn, type: r.type, name: r.name, action: "delete", fields: [] });
      lost(r, "delete", "");
    }

  const order: Record<ChangeAction, number> = { replace: 0, delete: 1, update: 2, create: 3 };
  changes.sort((a, b) => order[a.action] - order[b.action] || a.urn.localeCompare(b.urn));
  const count = (action: ChangeAction) => changes.filter((c) => c.action === action).length;
  return {
    against,
    summary: {
      create: count("create"),
      update: count("update"),
      replace: count("replace"),
      delete: count("delete"),
      unchanged,
    },
    changes,
    disruption: {
      gpusDrained: pools.filter((p) => p.inUse).reduce((n, p) => n + p.gpus.max, 0),
      pools,
      podsRestarted,
    },
    errors,
  };
}
