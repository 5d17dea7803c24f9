import { type Json, valueAtPath } from "../json";
import { CLOUD_RUN_GPU_MINIMUM } from "./cloud-run-gpu";

/**
 * Cross-field rules of Google's APIs that the provider does not check before calling them: the
 * plan looks valid, `pulumi preview` passes, and the API refuses the call during `pulumi up` (or
 * accepts it and the resource never works). One typed table, each rule with its source, used in
 * three places with the same check:
 *
 * - the config schema (`stacks/config/schema.ts`), against the stack file's keys;
 * - the components, on the arguments they are about to send (`apiRuleProblems`);
 * - the policy `cnai-gcp-api-rules`, on any plan (`policies/lib/analysis/gcp-rules`).
 *
 * A rule reads its facts from the provider's input properties (`read`, the Pulumi input names of
 * @pulumi/gcp 9.x, which bridges hashicorp/terraform-provider-google v7) and says what is wrong
 * with them (`check`). Callers that hold the facts in another shape (the config) build the facts
 * and call `check` directly. Pure: no Pulumi runtime import.
 *
 * "Not checked by the provider" was read in terraform-provider-google v7.45.0
 * (website/docs/r/*.html.markdown and the resource schemas): none of these combinations is a
 * ConflictsWith or validation in the schema, so they reach the API.
 */

/** One rule of a Google API, over the facts it needs. */
export interface GcpApiRule<F> {
  readonly id: string;
  /** The Pulumi type token of the resource the API call creates. */
  readonly resourceType: string;
  /** What the API requires, in a sentence. */
  readonly rule: string;
  /** Where Google (or the provider) says so. */
  readonly source: string;
  /** The facts from a resource's inputs, or undefined when the rule does not apply to it. */
  read(props: Readonly<Record<string, unknown>>): F | undefined;
  /** What breaks the rule, in words that name the fields and the fix; undefined when it holds. */
  check(facts: F): string | undefined;
}

const get = valueAtPath;

const BUCKET = "gcp:storage/bucket:Bucket";
const NODE_POOL = "gcp:container/nodePool:NodePool";
const CLUSTER = "gcp:container/cluster:Cluster";
const CLOUD_RUN = "gcp:cloudrunv2/service:Service";
const BUDGET = "gcp:billing/budget:Budget";

/** Facts of a bucket's data protection. */
export interface BucketProtectionFacts {
  readonly versioning: boolean;
  readonly retentionPolicy: boolean;
}

export const RETENTION_WITHOUT_VERSIONING: GcpApiRule<BucketProtectionFacts> = {
  id: "storage-retention-versioning",
  resourceType: BUCKET,
  rule: "A bucket has either a retention policy or Object Versioning, not both.",
  source:
    'Cloud Storage, "Bucket Lock" (cloud.google.com/storage/docs/bucket-lock): a retention policy cannot be included on a bucket that has ' +
    "Object Versioning enabled, and Object Versioning cannot be enabled on a bucket with a retention policy; terraform-provider-google v7.45.0 " +
    "storage_bucket has no ConflictsWith between retention_policy and versioning",
  read: (props) => ({
    versioning: get(props, "versioning.enabled") === true,
    retentionPolicy:
      get(props, "retentionPolicy.retentionPeriod") !== undefined && get(props, "retentionPolicy") !== null,
  }),
  check: (f) =>
    f.versioning && f.retentionPolicy
      ? "a retention policy together with Object Versioning, which Cloud Storage refuses on one bucket. Either keep the retention policy " +
        "(objects cannot be deleted or replaced until they are old enough) and turn versioning off, or keep versioning and drop the retention policy"
      : undefined,
};

/** Soft delete: 0 (off) or 7 to 90 days. */
export const SOFT_DELETE_DURATION: GcpApiRule<{ seconds: number | undefined }> = {
  id: "storage-soft-delete-duration",
  resourceType: BUCKET,
  rule: "Soft delete keeps deleted objects 0 (off) or 7 to 90 days.",
  source:
    "terraform-provider-google v7.45.0 website/docs/r/storage_bucket.html.markdown, soft_delete_policy.retention_duration_seconds (the API's range, not validated by the schema)",
  read: (props) => ({ seconds: get(props, "softDeletePolicy.retentionDurationSeconds") as number | undefined }),
  check: ({ seconds }) =>
    seconds === undefined || seconds === 0 || (seconds >= 604800 && seconds <= 7776000)
      ? undefined
      : `a soft delete duration of ${seconds} s; Cloud Storage takes 0 (off) or 604800 to 7776000 s (7 to 90 days)`,
};

/** What a GPU node pool asks for that DWS (flex-start, queued provisioning) and reservations constrain. */
export interface NodePoolCapacityFacts {
  readonly flexStart: boolean;
  readonly queuedProvisioning: boolean;
  readonly spot: boolean;
  readonly autoRepair: boolean;
  readonly autoscaling: boolean;
  /** autoscaling.locationPolicy (ANY, BALANCED), if set. */
  readonly locationPolicy: string | undefined;
  /** `consumeReservationType` (NO_RESERVATION, ANY_RESERVATION, SPECIFIC_RESERVATION), if set. */
  readonly reservation: string | undefined;
  readonly initialNodeCount: number;
  /** placementPolicy.type (COMPACT), if set. */
  readonly placement: string | undefined;
  /** placementPolicy.policyName: an existing resource policy, such as the reservation's. */
  readonly placementPolicyName: string | undefined;
}

export function nodePoolCapacityFacts(props: Readonly<Record<string, unknown>>): NodePoolCapacityFacts {
  return {
    flexStart: get(props, "nodeConfig.flexStart") === true,
    queuedProvisioning: get(props, "queuedProvisioning.enabled") === true,
    spot: get(props, "nodeConfig.spot") === true || get(props, "nodeConfig.preemptible") === true,
    // GKE turns auto-repair on when `management` is absent.
    autoRepair: get(props, "management.autoRepair") !== false,
    autoscaling: get(props, "autoscaling") !== undefined && get(props, "autoscaling") !== null,
    locationPolicy: get(props, "autoscaling.locationPolicy") as string | undefined,
    reservation: get(props, "nodeConfig.reservationAffinity.consumeReservationType") as string | undefined,
    initialNodeCount: Number(get(props, "initialNodeCount") ?? get(props, "nodeCount") ?? 0),
    placement: get(props, "placementPolicy.type") as string | undefined,
    placementPolicyName: (get(props, "placementPolicy.policyName") as string | undefined) || undefined,
  };
}

/**
 * What GKE creates DWS pools (flex-start, queued provisioning) with, the same for both:
 * `--location-policy=ANY` (the autoscaler takes capacity in whichever zone has it, instead of
 * balancing zones it may not obtain) and `--reservation-affinity=none`. Sources: GKE, "Run a small
 * batch workload with GPUs and flex-start" (docs/how-to/dws-flex-start-training) and "Run a
 * large-scale workload with flex-start with queued provisioning" (docs/how-to/provisioningrequest),
 * node-pools create commands. Unset is not ANY: GKE then applies its default location policy
 * (BALANCED for autoscaled pools, "About cluster autoscaling", Location policy) and its default
 * reservation affinity (ANY_RESERVATION). The config schema and GpuNodePool apply the same values.
 */
export const DWS_POOL_SETTINGS = { locationPolicy: "ANY", reservation: "NO_RESERVATION" } as const;

/** The DWS settings a pool breaks (shared by the flex-start and queued rules). */
function dwsProblems(f: NodePoolCapacityFacts): Array<[boolean, string]> {
  return [
    [
      f.locationPolicy !== DWS_POOL_SETTINGS.locationPolicy,
      `autoscaling.locationPolicy ${DWS_POOL_SETTINGS.locationPolicy} (got ${f.locationPolicy ?? "unset, GKE's default BALANCED"})`,
    ],
    [
      f.reservation !== DWS_POOL_SETTINGS.reservation,
      `reservation affinity ${DWS_POOL_SETTINGS.reservation} (got ${f.reservation ?? "unset, GKE's default ANY_RESERVATION"})`,
    ],
  ];
}

/** Collects the broken requirements of one capacity mode into one message. */
function requirementsOf(mode: string, unmet: Array<[boolean, string]>): string | undefined {
  const broken = unmet.filter(([bad]) => bad).map(([, what]) => what);
  return broken.length ? `${mode} ${broken.join(", ")}` : undefined;
}

export const FLEX_START_SETTINGS: GcpApiRule<NodePoolCapacityFacts> = {
  id: "gke-flex-start-settings",
  resourceType: NODE_POOL,
  rule: "A flex-start pool autoscales from zero with location policy ANY, consumes no reservation, is not Spot, and has auto-repair off.",
  source:
    'GKE, "Run a small batch workload with GPUs and flex-start" (cloud.google.com/kubernetes-engine/docs/how-to/dws-flex-start-training): ' +
    'node-pools create --flex-start --num-nodes=0 --enable-autoscaling --location-policy=ANY --reservation-affinity=none --no-enable-autorepair; "About GPU ' +
    'obtainability with flex-start" (docs/concepts/dws): a repaired or preempted flex-start VM is not guaranteed to be obtained again',
  read: (props) => {
    const facts = nodePoolCapacityFacts(props);
    return facts.flexStart && !facts.queuedProvisioning ? facts : undefined;
  },
  check: (f) =>
    requirementsOf("flex-start needs", [
      [f.autoRepair, "management.autoRepair false (a repair deletes the VM, and flex-start may not obtain another)"],
      [!f.autoscaling, "autoscaling (nodes come when Pods ask for them)"],
      [f.spot, "no Spot (flex-start is its own provisioning model)"],
      ...dwsProblems(f),
      [f.initialNodeCount !== 0, `initialNodeCount 0 (got ${f.initialNodeCount})`],
    ]),
};

export const QUEUED_PROVISIONING_SETTINGS: GcpApiRule<NodePoolCapacityFacts> = {
  id: "gke-queued-provisioning-settings",
  resourceType: NODE_POOL,
  rule: "A queued-provisioning pool is flex-start, autoscales from zero with location policy ANY, consumes no reservation, has auto-repair off and no placement policy.",
  source:
    'GKE, "Run a large-scale workload with flex-start with queued provisioning" (cloud.google.com/kubernetes-engine/docs/how-to/provisioningrequest): ' +
    "node-pools create --flex-start --enable-queued-provisioning --enable-autoscaling --num-nodes=0 --location-policy=ANY --reservation-affinity=none --no-enable-autorepair",
  read: (props) => {
    const facts = nodePoolCapacityFacts(props);
    return facts.queuedProvisioning ? facts : undefined;
  },
  check: (f) =>
    requirementsOf("queued provisioning needs", [
      [!f.flexStart, "nodeConfig.flexStart true"],
      [f.autoRepair, "management.autoRepair false"],
      [!f.autoscaling, "autoscaling"],
      [f.spot, "no Spot"],
      ...dwsProblems(f),
      [f.initialNodeCount !== 0, `initialNodeCount 0 (got ${f.initialNodeCount})`],
      [f.placement !== undefined, "no placementPolicy (DWS places the nodes)"],
    ]),
};

export const RESERVATION_PLACEMENT: GcpApiRule<NodePoolCapacityFacts> = {
  id: "gke-reservation-placement",
  resourceType: NODE_POOL,
  rule: "A pool that consumes a specific reservation takes the reservation's placement: no compact policy of its own.",
  source:
    'GKE, "Define compact placement for GKE nodes" (cloud.google.com/kubernetes-engine/docs/how-to/compact-placement) and "Consuming reserved ' +
    'zonal resources" (docs/how-to/consuming-reservations): without policyName GKE creates a compact resource policy for the pool, which the ' +
    "reserved VMs (created with the reservation's own placement) do not match, so no reserved VM fits and nodes never come up; " +
    "terraform-provider-google v7.45.0 container_node_pool placement_policy.policy_name",
  read: (props) => {
    const facts = nodePoolCapacityFacts(props);
    return facts.reservation === "SPECIFIC_RESERVATION" ? facts : undefined;
  },
  check: (f) =>
    f.placement === "COMPACT" && !f.placementPolicyName
      ? "placementPolicy COMPACT without policyName on a pool that consumes a specific reservation: GKE would create a compact policy the " +
        "reserved VMs do not match. Either drop the placement policy (the reservation's placement applies), or name the reservation's own " +
        "compact policy in placementPolicy.policyName"
      : undefined,
};

/** Workload vulnerability scanning modes GKE still accepts. */
export const VULNERABILITY_MODES = {
  /** No workload scanning; Artifact Registry scans images on push and continuously (Container Scanning API). */
  disabled: "VULNERABILITY_DISABLED",
  /** Advanced Vulnerability Insights: GKE Enterprise projects only. */
  enterprise: "VULNERABILITY_ENTERPRISE",
} as const;
export type VulnerabilityScanning = keyof typeof VULNERABILITY_MODES;

export const VULNERABILITY_MODE: GcpApiRule<{ mode: string | undefined }> = {
  id: "gke-vulnerability-mode",
  resourceType: CLUSTER,
  rule: "securityPostureConfig.vulnerabilityMode is VULNERABILITY_DISABLED, or VULNERABILITY_ENTERPRISE in a GKE Enterprise project.",
  source:
    'GKE, "Removal of vulnerability scanning from GKE Standard edition" (cloud.google.com/kubernetes-engine/docs/deprecations/vulnerability-scanning-gkee): ' +
    "from 2025-07-31 the standard tier can no longer be enabled; terraform-provider-google v7.45.0 container_cluster still lists VULNERABILITY_BASIC, " +
    "and notes VULNERABILITY_ENTERPRISE is for GKE Enterprise projects only",
  read: (props) => ({ mode: get(props, "securityPostureConfig.vulnerabilityMode") as string | undefined }),
  check: ({ mode }) =>
    mode === "VULNERABILITY_BASIC"
      ? "securityPostureConfig.vulnerabilityMode VULNERABILITY_BASIC: GKE shut the standard scanning tier down on 2025-07-31 and refuses to enable it. " +
        "Use VULNERABILITY_DISABLED (Artifact Registry's scanning covers the images), or VULNERABILITY_ENTERPRISE in a GKE Enterprise project"
      : undefined,
};

/** What a Cloud Run revision with a GPU needs (the minimum from components/catalog/cloud-run-gpu.ts). */
export const CLOUD_RUN_GPU = {
  /** Per instance with one NVIDIA L4. */
  minimum: CLOUD_RUN_GPU_MINIMUM["nvidia-l4"],
  gpusPerInstance: 1,
} as const;

export interface CloudRunGpuFacts {
  readonly gpus: number;
  readonly accelerator: string | undefined;
  readonly cpu: number;
  readonly memoryGi: number;
  readonly cpuAlwaysAllocated: boolean;
}

/** Cloud Run quantities: `4`, `4000m`; `16Gi`, `16384Mi`, `16G`. */
export function cpuOf(value: unknown): number {
  const text = String(value ?? "");
  return text.endsWith("m") ? Number(text.slice(0, -1)) / 1000 : Number(text);
}
export function memoryGiOf(value: unknown): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(String(value ?? ""));
  if (!match) return Number.NaN;
  const scale: Record<string, number> = {
    Ki: 2 ** -20,
    Mi: 2 ** -10,
    Gi: 1,
    Ti: 2 ** 10,
    k: 1e3 / 2 ** 30,
    M: 1e6 / 2 ** 30,
    G: 1e9 / 2 ** 30,
    T: 1e12 / 2 ** 30,
  };
  return Number(match[1]) * (match[2] ? scale[match[2]] : 1 / 2 ** 30);
}

export const CLOUD_RUN_GPU_MINIMUMS: GcpApiRule<CloudRunGpuFacts> = {
  id: "cloud-run-gpu-minimums",
  resourceType: CLOUD_RUN,
  rule: "A Cloud Run revision with a GPU names the accelerator, has one GPU, at least 4 CPU and 16 GiB, and CPU always allocated.",
  source:
    'Cloud Run, "Configure GPUs for services" (cloud.google.com/run/docs/configuring/services/gpu): one nvidia-l4 per instance, minimum 4 CPU and ' +
    "16 GiB, instance-based billing (CPU always allocated) required",
  read: (props) => {
    const containers = (get(props, "template.containers") ?? []) as Array<Record<string, unknown>>;
    const gpus = containers.reduce((sum, c) => sum + Number(get(c, "resources.limits")?.["nvidia.com/gpu"] ?? 0), 0);
    const accelerator = get(props, "template.nodeSelector.accelerator") as string | undefined;
    if (!gpus && !accelerator) return undefined;
    const limits = (c: Record<string, unknown>) => get(c, "resources.limits") ?? {};
    return {
      gpus,
      accelerator,
      cpu: containers.reduce((sum, c) => sum + cpuOf(limits(c).cpu ?? 1), 0),
      memoryGi: containers.reduce((sum, c) => sum + memoryGiOf(limits(c).memory ?? "512Mi"), 0),
      cpuAlwaysAllocated: containers.every((c) => get(c, "resources.cpuIdle") === false),
    };
  },
  check: (f) =>
    requirementsOf("a Cloud Run GPU revision needs", [
      [!f.accelerator, "template.nodeSelector.accelerator (nvidia-l4)"],
      [f.gpus !== CLOUD_RUN_GPU.gpusPerInstance, `nvidia.com/gpu 1 (got ${f.gpus})`],
      [!(f.cpu >= CLOUD_RUN_GPU.minimum.cpu), `at least ${CLOUD_RUN_GPU.minimum.cpu} CPU (got ${f.cpu})`],
      [
        !(f.memoryGi >= CLOUD_RUN_GPU.minimum.memoryGi),
        `at least ${CLOUD_RUN_GPU.minimum.memoryGi} GiB (got ${Math.round(f.memoryGi * 100) / 100})`,
      ],
      [!f.cpuAlwaysAllocated, "resources.cpuIdle false (CPU always allocated)"],
    ]),
};

/** Cloud Run's startup probe bounds. */
export const CLOUD_RUN_STARTUP_PROBE = {
  maxInitialDelaySeconds: 240,
  maxPeriodSeconds: 240,
  maxWindowSeconds: 600,
  maxWindowSecondsWithGpu: 1800,
} as const;

export interface StartupProbeFacts {
  readonly gpu: boolean;
  readonly initialDelaySeconds: number;
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
}

export const CLOUD_RUN_STARTUP_PROBE_LIMITS: GcpApiRule<StartupProbeFacts[]> = {
  id: "cloud-run-startup-probe-limits",
  resourceType: CLOUD_RUN,
  rule: "A startup probe waits at most 240 s before its first check, checks at most every 240 s, and fails after at most 600 s (1800 s with a GPU).",
  source:
    "Cloud Run Admin API v2 Probe (initialDelaySeconds and periodSeconds at most 240 for a startup probe, periodSeconds >= timeoutSeconds); " +
    'Cloud Run, "Configure container health checks": failureThreshold x periodSeconds can\'t exceed 600 seconds (1800 for GPU)',
  read: (props) => {
    const gpu = get(props, "template.nodeSelector.accelerator") !== undefined;
    const probes = ((get(props, "template.containers") ?? []) as Array<Record<string, unknown>>)
      .map((c) => get(c, "startupProbe"))
      .filter((p) => p);
    if (!probes.length) return undefined;
    return probes.map((p) => ({
      gpu,
      initialDelaySeconds: Number(p.initialDelaySeconds ?? 0),
      periodSeconds: Number(p.periodSeconds ?? 10),
      timeoutSeconds: Number(p.timeoutSeconds ?? 1),
      failureThreshold: Number(p.failureThreshold ?? 3),
    }));
  },
  check: (probes) => {
    const problems = probes.flatMap((p) => {
      const window = p.failureThreshold * p.periodSeconds;
      const max = p.gpu ? CLOUD_RUN_STARTUP_PROBE.maxWindowSecondsWithGpu : CLOUD_RUN_STARTUP_PROBE.maxWindowSeconds;
      return [
        p.initialDelaySeconds > CLOUD_RUN_STARTUP_PROBE.maxInitialDelaySeconds
          ? `initialDelaySeconds ${p.initialDelaySeconds} > 240`
          : undefined,
        p.periodSeconds > CLOUD_RUN_STARTUP_PROBE.maxPeriodSeconds
          ? `periodSeconds ${p.periodSeconds} > 240`
          : undefined,
        p.timeoutSeconds > p.periodSeconds
          ? `timeoutSeconds ${p.timeoutSeconds} > periodSeconds ${p.periodSeconds}`
          : undefined,
        window > max
          ? `failureThreshold x periodSeconds = ${window} s > ${max} s${p.gpu ? " (with a GPU)" : ""}`
          : undefined,
      ].filter((x): x is string => x !== undefined);
    });
    return problems.length ? `a startup probe Cloud Run refuses: ${problems.join(", ")}` : undefined;
  },
};

export const BUDGET_ONE_LABEL: GcpApiRule<{ labels: number }> = {
  id: "billing-budget-one-label",
  resourceType: BUDGET,
  rule: "A budget filter takes at most one label key with one value.",
  source:
    'Cloud Billing Budget API v1, Filter.labels (cloud.google.com/billing/docs/reference/budget/rest/v1/billingAccounts.budgets): "currently, multiple entries or multiple values per entry are not allowed"',
  read: (props) => ({ labels: Object.keys(get(props, "budgetFilter.labels") ?? {}).length }),
  check: ({ labels }) => (labels > 1 ? `budgetFilter.labels with ${labels} keys; the Budget API takes one` : undefined),
};

const SUBNETWORK = "gcp:compute/subnetwork:Subnetwork";
const REGION_SECURITY_POLICY = "gcp:compute/regionSecurityPolicy:RegionSecurityPolicy";

/** Facts of a proxy-only subnet (purpose REGIONAL_MANAGED_PROXY or GLOBAL_MANAGED_PROXY). */
export interface ProxyOnlySubnetFacts {
  readonly purpose: string;
  readonly role: string | undefined;
  readonly secondaryRanges: number;
  readonly privateGoogleAccess: boolean;
}

export const PROXY_ONLY_SUBNET: GcpApiRule<ProxyOnlySubnetFacts> = {
  id: "compute-proxy-only-subnet",
  resourceType: SUBNETWORK,
  rule: "A proxy-only subnet has a role (ACTIVE or BACKUP) and no secondary ranges or Private Google Access: its addresses are the load balancer's proxies'.",
  source:
    'Cloud Load Balancing, "Proxy-only subnets for Envoy-based load balancers" (one ACTIVE subnet per region and VPC, used only by the proxies); ' +
    "terraform-provider-google v7.45.0 website/docs/r/compute_subnetwork.html.markdown: role applies to REGIONAL_MANAGED_PROXY subnets and is required there, not validated by the schema",
  read: (props) => {
    const purpose = String(get(props, "purpose") ?? "");
    if (purpose !== "REGIONAL_MANAGED_PROXY" && purpose !== "GLOBAL_MANAGED_PROXY") return undefined;
    return {
      purpose,
      role: (get(props, "role") as string | undefined) ?? undefined,
      secondaryRanges: ((get(props, "secondaryIpRanges") as unknown[] | undefined) ?? []).length,
      privateGoogleAccess: get(props, "privateIpGoogleAccess") === true,
    };
  },
  check: (f) => {
    const problems = [
      f.role === "ACTIVE" || f.role === "BACKUP" ? undefined : `role ${f.role ?? "unset"} (ACTIVE or BACKUP)`,
      f.secondaryRanges ? `${f.secondaryRanges} secondary ranges (none)` : undefined,
      f.privateGoogleAccess ? "privateIpGoogleAccess (off)" : undefined,
    ].filter(Boolean);
    return problems.length ? `a ${f.purpose} subnet with ${problems.join(", ")}` : undefined;
  },
};

/** The rules of a security policy: actions and rate limit options. */
export interface SecurityPolicyRuleFacts {
  readonly rules: ReadonlyArray<{ priority: number; action: string; rateLimit: boolean; conformAction?: string }>;
}

export const CLOUD_ARMOR_RULES: GcpApiRule<SecurityPolicyRuleFacts> = {
  id: "cloud-armor-rate-limit-rules",
  resourceType: REGION_SECURITY_POLICY,
  rule: "Rate limit options go with throttle and rate_based_ban rules only (their conform action is allow), and a policy with rules keeps a default rule at priority 2147483647.",
  source:
    "terraform-provider-google v7.45.0 website/docs/r/compute_region_security_policy.html.markdown: rules.rate_limit_options " +
    '"Must be specified if the action is rate_based_ban or throttle. Cannot be specified for any other actions", conform_action "Valid option is allow only"; ' +
    '"There must always be a default rule (rule with priority 2147483647 and match *)"',
  read: (props) => {
    const rules = get(props, "rules") as Array<Record<string, unknown>> | undefined;
    if (!Array.isArray(rules) || rules.length === 0) return undefined;
    return {
      rules: rules.map((r) => ({
        priority: Number(r.priority),
        action: String(r.action),
        rateLimit: r.rateLimitOptions !== undefined && r.rateLimitOptions !== null,
        conformAction: get(r, "rateLimitOptions.conformAction") as string | undefined,
      })),
    };
  },
  check: ({ rules }) => {
    const problems: string[] = [];
    for (const r of rules) {
      const limiting = r.action === "throttle" || r.action === "rate_based_ban";
      if (limiting && !r.rateLimit) problems.push(`rule ${r.priority} (${r.action}) has no rateLimitOptions`);
      if (!limiting && r.rateLimit) problems.push(`rule ${r.priority} (${r.action}) has rateLimitOptions`);
      if (limiting && r.conformAction !== undefined && r.conformAction !== "allow")
        problems.push(`rule ${r.priority} conforms with ${r.conformAction} (allow only)`);
    }
    if (!rules.some((r) => r.priority === 2147483647)) problems.push("no default rule at priority 2147483647");
    return problems.length ? problems.join("; ") : undefined;
  },
};

/** Every rule, for the policy and the tests. */
export const GCP_API_RULES: readonly GcpApiRule<Json>[] = [
  RETENTION_WITHOUT_VERSIONING,
  SOFT_DELETE_DURATION,
  FLEX_START_SETTINGS,
  QUEUED_PROVISIONING_SETTINGS,
  RESERVATION_PLACEMENT,
  VULNERABILITY_MODE,
  CLOUD_RUN_GPU_MINIMUMS,
  CLOUD_RUN_STARTUP_PROBE_LIMITS,
  BUDGET_ONE_LABEL,
  PROXY_ONLY_SUBNET,
  CLOUD_ARMOR_RULES,
];

export interface ApiRuleProblem {
  readonly rule: GcpApiRule<Json>;
  readonly message: string;
}

/**
 * The rules a resource of this type with these inputs breaks. A rule whose facts cannot be read
 * (a value unknown during preview, which CrossGuard's proxy throws on) is skipped: the API sees
 * the value only at apply time, and so does the next plan.
 */
export function apiRuleProblems(type: string, props: Readonly<Record<string, unknown>>): ApiRuleProblem[] {
  return GCP_API_RULES.filter((rule) => rule.resourceType === type).flatMap((rule) => {
    let message: string | undefined;
    try {
      const facts = rule.read(props);
      message = facts === undefined ? undefined : rule.check(facts);
    } catch {
      message = undefined;
    }
    return message ? [{ rule, message }] : [];
  });
}

/** Throws `fail(<context>: <problem>)` for the first rule these provider arguments break (components call this before creating the resource). */
export function assertApiRules(
  type: string,
  props: Readonly<Record<string, unknown>>,
  fail: (message: string) => never,
): void {
  const [problem] = apiRuleProblems(type, props);
  if (problem) fail(`${problem.message} (${problem.rule.id}: ${problem.rule.source})`);
}
