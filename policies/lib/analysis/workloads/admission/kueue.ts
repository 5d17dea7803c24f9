import { load } from "js-yaml";
import { KUEUE_CHART_DEFAULT_FRAMEWORKS } from "../../../../../components/catalog/controller-defaults";
import { CONSUME_PROVISIONING_REQUEST } from "../../../../../components/catalog/gke-nodes";
import { type ClusterIndex, chartsNamed, objectNamed, objectsOf } from "../cluster";
import type { Problem, Props, Workload } from "../model";
import { podAmounts } from "../pod-resources";
import { type Amounts, amountOf, amountsOf, formatAmount } from "../quantity";
import { matchesNodeSelectorTerms, matchesSelector, untoleratedTaint } from "../scheduling/matching";
import type { StoredLimit } from "./limit-range";
import type { RuntimeClassFacts } from "./runtime-class";

const SOURCE = "kubernetes-sigs/kueue v0.19.2";

/**
 * The Kueue integration (`integrations.frameworks` entry) that manages each kind. A CronJob's Jobs
 * are plain Jobs with its jobTemplate's labels (kubernetes pkg/controller/cronjob/utils.go
 * getJobFromTemplate2), queued by batch/job (Kueue docs tasks/run/run_cronjobs.md).
 */
const FRAMEWORKS: Readonly<Record<string, string>> = {
  Job: "batch/job",
  CronJob: "batch/job",
  TrainJob: "trainer.kubeflow.org/trainjob",
  PyTorchJob: "kubeflow.org/pytorchjob",
  MPIJob: "kubeflow.org/mpijob",
  JobSet: "jobset.x-k8s.io/jobset",
  RayJob: "ray.io/rayjob",
  RayCluster: "ray.io/raycluster",
  Pod: "pod",
  Deployment: "deployment",
  StatefulSet: "statefulset",
  LeaderWorkerSet: "leaderworkerset.x-k8s.io/leaderworkerset",
};

export interface KueueOutcome {
  /** Whether Kueue holds the workload until it admits it. */
  readonly managed: boolean;
  readonly problems: Problem[];
  readonly notes: string[];
  readonly clusterQueue?: string;
  readonly flavors: Record<string, string>;
}

/** The Kueue release's configuration the simulation reads: the frameworks it manages and the namespaces it defaults queues in. */
interface KueueConfig {
  readonly frameworks: string[];
  /** managedJobsNamespaceSelector, with Kueue's default (apis/config/v1beta2/defaults.go: kubernetes.io/metadata.name NotIn [kube-system, <Kueue's namespace>]). */
  readonly managedNamespaces: Props;
}

/** The framework Kueue manages when its configuration lists none (apis/config/v1beta2 defaultJobFrameworkName). */
const DEFAULT_FRAMEWORK = "batch/job";

/** The plan's Kueue configuration, or undefined when Kueue is not installed (read once per plan). */
const configOf = new WeakMap<ClusterIndex, KueueConfig | undefined>();
function kueueConfig(index: ClusterIndex): KueueConfig | undefined {
  if (configOf.has(index)) return configOf.get(index);
  const chart = chartsNamed(index, "kueue")[0];
  let config: KueueConfig | undefined;
  if (chart) {
    const yaml = chart.props.values?.managerConfig?.controllerManagerConfigYaml;
    let parsed: Props | undefined;
    let invalid = false;
    if (typeof yaml === "string") {
      try {
        parsed = (load(yaml) as Props | undefined) ?? {};
      } catch {
        parsed = {};
        invalid = true;
      }
    }
    // A config that lists no frameworks gets Kueue's default, batch/job (apis/config/v1beta2/defaults.go);
    // a config that does not parse stops the manager, which then manages nothing.
    const listed = parsed?.integrations?.frameworks;
    const frameworks =
      parsed === undefined
        ? [...KUEUE_CHART_DEFAULT_FRAMEWORKS]
        : invalid
          ? []
          : Array.isArray(listed) && listed.length
            ? listed.map(String)
            : [DEFAULT_FRAMEWORK];
    const managedNamespaces = parsed?.managedJobsNamespaceSelector ?? {
      matchExpressions: [
        {
          key: "kubernetes.io/metadata.name",
          operator: "NotIn",
          values: ["kube-system", String(parsed?.namespace ?? "kueue-system")],
        },
      ],
    };
    config = { frameworks, managedNamespaces };
  }
  configOf.set(index, config);
  return config;
}

/** Kueue's default LocalQueue name (pkg/controller/constants DefaultLocalQueueName). */
const DEFAULT_LOCAL_QUEUE = "default";

/**
 * Kueue's defaulting webhook: a job of a managed framework that names no queue, in a namespace that
 * has a LocalQueue named `default` and that managedJobsNamespaceSelector selects, gets
 * `kueue.x-k8s.io/queue-name: default` (pkg/controller/jobframework/defaults.go
 * ApplyDefaultLocalQueueWithManagedJobsNamespaceSelector, called by each integration's webhook;
 * GA, no feature gate, in v0.19). Plain Pods get it too, from the pod integration's webhook
 * (pkg/controller/jobs/pod/pod_webhook.go Default, "Local queue defaulting").
 */
function defaultQueue(
  workload: Workload,
  index: ClusterIndex,
  config: KueueConfig,
  namespaceLabels: Record<string, string>,
): string | undefined {
  if (workload.queue) return undefined;
  const framework = FRAMEWORKS[workload.kind];
  if (!framework || !config.frameworks.includes(framework)) return undefined;
  if (!objectNamed(index, "LocalQueue", DEFAULT_LOCAL_QUEUE, workload.namespace)) return undefined;
  return matchesSelector(config.managedNamespaces, namespaceLabels) ? DEFAULT_LOCAL_QUEUE : undefined;
}

/**
 * What Kueue does with a workload that names a LocalQueue, before any Pod exists: the LocalQueue and
 * its ClusterQueue must exist (pkg/controller/core/workload_controller.go), the ClusterQueue's
 * namespaceSelector must select the namespace and the Pod sets must meet the namespace's LimitRanges
 * (pkg/workload/resources.go ValidateAdmissibility), its WorkloadPriorityClass must exist
 * (pkg/util/priority), its admission checks must exist (else the ClusterQueue is inactive), and
 * every Pod set needs a flavor whose node labels and taints it matches and whose quota holds the
 * whole workload (pkg/scheduler/flavorassigner/flavorassigner.go). Pod set requests are those of
 * the template after LimitRange defaults, with limits standing in for missing requests
 * (pkg/workload/resources.go AdjustResources); GKE's webhook sidecars are added later, at Pod
 * creation, so they do not count. On admission Kueue adds the flavor's node labels and tolerations
 * to the Pod templates (pkg/podset/podset.go Merge).
 */
export function admitKueue(
  workload: Workload,
  index: ClusterIndex,
  namespaceLabels: Record<string, string>,
  limits: readonly StoredLimit[],
  classes: ReadonlyMap<string, RuntimeClassFacts> = new Map(),
): KueueOutcome {
  const outcome = {
    managed: false,
    problems: [] as Problem[],
    notes: [] as string[],
    flavors: {} as Record<string, string>,
  } as { -readonly [K in keyof KueueOutcome]: KueueOutcome[K] };
  const config = kueueConfig(index);
  const defaulted = config ? defaultQueue(workload, index, config, namespaceLabels) : undefined;
  if (defaulted) {
    workload.queue = defaulted;
    outcome.notes.push(
      `names no LocalQueue: Kueue's webhook sends it to LocalQueue ${defaulted}, which namespace ${workload.namespace} has (pkg/controller/jobframework/defaults.go)`,
    );
  }
  if (!workload.queue) return outcome;
  if (!config) {
    outcome.notes.push(`names LocalQueue ${workload.queue}, but Kueue is not installed: it runs unqueued`);
    return outcome;
  }
  const frameworks = config.frameworks;
  const framework = FRAMEWORKS[workload.kind];
  if (!framework || !frameworks.includes(framework)) {
    outcome.notes.push(
      `Kueue does not manage ${workload.kind} (integration ${framework ?? "none"} not enabled): it runs unqueued, outside the team's GPU quota`,
    );
    return outcome;
  }
  outcome.managed = true;
  const fail = (message: string, fix: string, source: string) =>
    outcome.problems.push({ step: "Kueue", message, fix, source: `${SOURCE} ${source}` });
  const localQueue = objectNamed(index, "LocalQueue", workload.queue, workload.namespace);
  if (!localQueue) {
    fail(
      `LocalQueue ${workload.queue} doesn't exist in namespace ${workload.namespace}: the workload stays suspended`,
      `create LocalQueue ${workload.queue} in ${workload.namespace} (components/training/kueue.ts creates team-queue in each team namespace), or name an existing one`,
      "pkg/controller/core/workload_controller.go",
    );
    return outcome;
  }
  const cqName = String(localQueue.props.spec?.clusterQueue ?? "");
  const cq = objectNamed(index, "ClusterQueue", cqName);
  outcome.clusterQueue = cqName;
  if (!cq) {
    fail(
      `ClusterQueue ${cqName} doesn't exist (LocalQueue ${workload.namespace}/${workload.queue} points to it)`,
      `create ClusterQueue ${cqName}, or point the LocalQueue to an existing one`,
      "pkg/controller/core/workload_controller.go",
    );
    return outcome;
  }
  const cqSpec = cq.props.spec ?? {};
  for (const check of admissionCheckNames(cqSpec)) {
    if (!objectNamed(index, "AdmissionCheck", check))
      fail(
        `ClusterQueue ${cqName} is inactive: AdmissionCheck ${check} doesn't exist`,
        `create AdmissionCheck ${check}, or remove it from the ClusterQueue`,
        "pkg/cache (ClusterQueue status), pkg/scheduler/scheduler.go",
      );
  }
  if (!cqSpec.namespaceSelector || !matchesSelector(cqSpec.namespaceSelector, namespaceLabels)) {
    fail(
      `workload namespace doesn't match ClusterQueue selector (${workload.namespace} is not selected by ClusterQueue ${cqName})`,
      `label namespace ${workload.namespace} to match ClusterQueue ${cqName}'s namespaceSelector, or widen the selector (a missing selector selects no namespace)`,
      "pkg/workload/resources.go (ValidateAdmissibility, ErrNamespaceMismatch)",
    );
  }
  if (workload.queuePriorityClass && !objectNamed(index, "WorkloadPriorityClass", workload.queuePriorityClass)) {
    fail(
      `workloadpriorityclass.kueue.x-k8s.io "${workload.queuePriorityClass}" not found: Kueue creates no Workload for it`,
      `create WorkloadPriorityClass ${workload.queuePriorityClass}, or use one of ${
        objectsOf(index, "WorkloadPriorityClass")
          .map((w) => w.objectName)
          .join(", ") || "none declared"
      }`,
      "pkg/util/priority/priority.go (GetPriorityFromWorkloadPriorityClass)",
    );
  }
  const podSets = workload.groups.map((group, i) => {
    const spec = adjustedSpec(group.pod.spec, limits, classes);
    const path = `spec.podSets[${i}].template.spec`;
    for (const e of requestsAboveLimits(spec, path))
      fail(
        `resources validation failed: ${e}`,
        `give every container of pod set ${group.name} limits at least its requests (a LimitRange default limit counts)`,
        "pkg/workload/resources.go (ValidateResources)",
      );
    if (!outcome.problems.length) {
      for (const e of limitRangeErrors(spec, limits, path))
        fail(
          `resources didn't satisfy LimitRange constraints: ${e}`,
          `bring the requests of pod set ${group.name} within the namespace's LimitRanges (${[...new Set(limits.map((l) => l.limitRange))].join(", ")})`,
          "pkg/workload/resources.go (ValidateLimitRange), pkg/util/limitrange/limitrange.go (Summarize, ValidatePodSpec)",
        );
    }
    return { group, requests: podAmounts(spec, "requests"), count: group.count };
  });
  if (outcome.problems.length) return outcome;
  // flavorassigner.go: a ClusterQueue that covers `pods` counts each pod set's Pods against it.
  if (((cqSpec.resourceGroups ?? []) as Props[]).some((g) => (g.coveredResources ?? []).includes("pods"))) {
    for (const podSet of podSets) podSet.requests.pods = 1;
  }
  assignFlavors(cqName, cqSpec, index, podSets, outcome, fail);
  if (outcome.problems.length) return outcome;
  // Every admission check exists here: a missing one made the ClusterQueue inactive above.
  const provisioning = admissionCheckNames(cqSpec).some(
    (name) =>
      objectNamed(index, "AdmissionCheck", name)!.props.spec?.controllerName === "kueue.x-k8s.io/provisioning-request",
  );
  for (const { group } of podSets) {
    if (provisioning) group.pod.metadata.annotations[CONSUME_PROVISIONING_REQUEST] = "true";
    // A pod set that requests nothing the ClusterQueue covers gets no flavor, and nothing to merge.
    const name = outcome.flavors[group.name];
    if (!name) continue;
    const flavorSpec = objectNamed(index, "ResourceFlavor", name)!.props.spec ?? {};
    group.pod.spec.nodeSelector = { ...(group.pod.spec.nodeSelector ?? {}), ...(flavorSpec.nodeLabels ?? {}) };
    const tolerations: Props[] = group.pod.spec.tolerations ?? [];
    for (const t of (flavorSpec.tolerations ?? []) as Props[])
      if (!tolerations.some((x) => JSON.stringify(x) === JSON.stringify(t))) tolerations.push(structuredClone(t));
    if (tolerations.length) group.pod.spec.tolerations = tolerations;
    group.injected.push(`flavor ${name} node labels and tolerations (Kueue)`);
  }
  return outcome;
}

function admissionCheckNames(spec: Props): string[] {
  return [
    ...((spec.admissionChecks ?? []) as string[]),
    ...((spec.admissionChecksStrategy?.admissionChecks ?? []) as Props[]).map((c) => String(c.name)),
  ];
}

/**
 * The template as Kueue counts it (pkg/workload/resources.go AdjustResources): the RuntimeClass's
 * overhead (handlePodOverhead), the LimitRanges' container defaults, the first LimitRange's first
 * (handlePodLimitRange), then limits for missing requests, Pod-level included
 * (UseLimitsAsMissingRequestsInPod).
 */
function adjustedSpec(
  spec: Props,
  limits: readonly StoredLimit[],
  classes: ReadonlyMap<string, RuntimeClassFacts>,
): Props {
  const copy = structuredClone(spec);
  const overhead = copy.runtimeClassName ? classes.get(String(copy.runtimeClassName))?.overhead : undefined;
  if (overhead) copy.overhead = { ...overhead };
  const containerLimits = limits.filter((l) => l.type === "Container");
  for (const container of [...(copy.initContainers ?? []), ...(copy.containers ?? [])] as Props[]) {
    container.resources ??= {};
    for (const item of containerLimits) {
      container.resources.limits = { ...item.default, ...(container.resources.limits ?? {}) };
      container.resources.requests = { ...item.defaultRequest, ...(container.resources.requests ?? {}) };
    }
    container.resources.requests = { ...(container.resources.limits ?? {}), ...(container.resources.requests ?? {}) };
  }
  if (copy.resources)
    copy.resources = {
      ...copy.resources,
      requests: { ...(copy.resources.limits ?? {}), ...(copy.resources.requests ?? {}) },
    };
  return copy;
}

/** Containers of the adjusted spec (each has `resources`) whose requests exceed their limits (ValidateResources: "requests must not exceed its limits"). */
function requestsAboveLimits(spec: Props, path: string): string[] {
  const errors: string[] = [];
  for (const [field, list] of [
    ["initContainers", spec.initContainers ?? []],
    ["containers", spec.containers ?? []],
  ] as const) {
    (list as Props[]).forEach((c, i) => {
      const requests = amountsOf(c.resources.requests);
      const limits = amountsOf(c.resources.limits);
      const over = Object.keys(requests)
        .filter((r) => limits[r] !== undefined && requests[r] > limits[r])
        .sort();
      if (over.length)
        errors.push(
          `${path}.${field}[${i}]: Invalid value: ${JSON.stringify(over)}: requests must not exceed its limits (container ${c.name})`,
        );
    });
  }
  return errors;
}

/**
 * Kueue's own LimitRange check (pkg/util/limitrange/limitrange.go): the namespace's LimitRanges
 * summarized (the lowest max, the highest min), each container's larger of request and limit
 * against max and smaller against min, and the Pod's requests against the Pod item; only resources
 * both sides name are compared, so a missing limit and maxLimitRequestRatio are left to the API
 * server's LimitRanger when the Pods are created. Takes the adjusted spec, whose containers all have `resources`.
 */
function limitRangeErrors(spec: Props, limits: readonly StoredLimit[], path: string): string[] {
  const summary = (type: string) => {
    const items = limits.filter((l) => l.type === type);
    if (!items.length) return undefined;
    const max: Amounts = {};
    const min: Amounts = {};
    for (const item of items) {
      for (const [r, v] of Object.entries(amountsOf(item.max))) max[r] = Math.min(max[r] ?? Infinity, v);
      for (const [r, v] of Object.entries(amountsOf(item.min))) min[r] = Math.max(min[r] ?? -Infinity, v);
    }
    return { max, min };
  };
  const greater = (a: Amounts, b: Amounts) =>
    Object.keys(a)
      .filter((r) => b[r] !== undefined && a[r] > b[r])
      .sort();
  const errors: string[] = [];
  const container = summary("Container");
  if (container) {
    for (const [field, list] of [
      ["initContainers", spec.initContainers ?? []],
      ["containers", spec.containers ?? []],
    ] as const) {
      (list as Props[]).forEach((c, i) => {
        const requests = amountsOf(c.resources.requests);
        const limitsOf = amountsOf(c.resources.limits);
        const cMax: Amounts = { ...requests };
        const cMin: Amounts = { ...requests };
        for (const [r, v] of Object.entries(limitsOf)) {
          cMax[r] = Math.max(cMax[r] ?? v, v);
          cMin[r] = Math.min(cMin[r] ?? v, v);
        }
        const above = greater(cMax, container.max);
        if (above.length)
          errors.push(
            `${path}.${field}[${i}]: Invalid value: ${JSON.stringify(above)}: requests must not be above the limitRange max (container ${c.name})`,
          );
        const below = greater(container.min, cMin);
        if (below.length)
          errors.push(
            `${path}.${field}[${i}]: Invalid value: ${JSON.stringify(below)}: requests must not be below the limitRange min (container ${c.name})`,
          );
      });
    }
  }
  const pod = summary("Pod");
  if (pod) {
    const total = podAmounts(spec, "requests");
    const above = greater(total, pod.max);
    if (above.length)
      errors.push(`${path}: Invalid value: ${JSON.stringify(above)}: requests must not be above the limitRange max`);
    const below = greater(pod.min, total);
    if (below.length)
      errors.push(`${path}: Invalid value: ${JSON.stringify(below)}: requests must not be below the limitRange min`);
  }
  return errors;
}

interface PodSetRequest {
  group: Workload["groups"][number];
  requests: Amounts;
  count: number;
}

function assignFlavors(
  cqName: string,
  cqSpec: Props,
  index: ClusterIndex,
  podSets: PodSetRequest[],
  outcome: { flavors: Record<string, string> },
  fail: (message: string, fix: string, source: string) => void,
): void {
  const groups: Props[] = cqSpec.resourceGroups ?? [];
  const assumed = new Map<string, number>();
  for (const podSet of podSets) {
    const requested = Object.entries(podSet.requests)
      .filter(([, amount]) => amount > 0)
      .map(([name]) => name);
    const uncovered = requested.filter((r) => !groups.some((g) => (g.coveredResources ?? []).includes(r)));
    if (uncovered.length) {
      fail(
        `couldn't assign flavors to pod set ${podSet.group.name}: resource ${uncovered[0]} unavailable in ClusterQueue`,
        `add ${uncovered.join(", ")} to a resource group of ClusterQueue ${cqName}, or stop requesting it`,
        "pkg/scheduler/flavorassigner/flavorassigner.go (findFlavorForPodSets)",
      );
      continue;
    }
    for (const group of groups.filter((g) => requested.some((r) => (g.coveredResources ?? []).includes(r)))) {
      const resources = requested.filter((r) => (group.coveredResources ?? []).includes(r));
      const reasons: string[] = [];
      let chosen: string | undefined;
      for (const flavorRef of (group.flavors ?? []) as Props[]) {
        const name = String(flavorRef.name);
        const flavor = objectNamed(index, "ResourceFlavor", name);
        if (!flavor) {
          reasons.push(`flavor ${name} not found`);
          continue;
        }
        const spec = flavor.props.spec ?? {};
        const taint = untoleratedTaint(spec.nodeTaints ?? [], [
          ...(podSet.group.pod.spec.tolerations ?? []),
          ...(spec.tolerations ?? []),
        ]);
        if (taint) {
          reasons.push(`untolerated taint ${taint} in flavor ${name}`);
          continue;
        }
        if (!flavorMatches(podSet.group.pod.spec, spec.nodeLabels ?? {})) {
          reasons.push(`flavor ${name} doesn't match node affinity`);
          continue;
        }
        const short = resources.find((r) => {
          const need = (assumed.get(`${name}/${r}`) ?? 0) + podSet.requests[r] * podSet.count;
          return need > maxCapacity(cqName, cqSpec, name, r, index);
        });
        if (short) {
          const capacity = maxCapacity(cqName, cqSpec, name, short, index);
          reasons.push(
            `insufficient quota for ${short} in flavor ${name}, previously considered podsets requests (${formatAmount(short, assumed.get(`${name}/${short}`) ?? 0)}) + current podset request (${formatAmount(short, podSet.requests[short] * podSet.count)}) > maximum capacity (${formatAmount(short, capacity)})`,
          );
          continue;
        }
        chosen = name;
        break;
      }
      if (!chosen) {
        fail(
          `couldn't assign flavors to pod set ${podSet.group.name}: ${reasons.sort().join(", ")}`,
          `give ClusterQueue ${cqName} a flavor for ${resources.join(", ")} whose node labels the Pods select and whose nominal quota holds the whole workload (${podSet.count} Pods), or shrink the job`,
          "pkg/scheduler/flavorassigner/flavorassigner.go (checkFlavorForPodSets, fitsResourceQuota)",
        );
        continue;
      }
      for (const r of resources)
        assumed.set(`${chosen}/${r}`, (assumed.get(`${chosen}/${r}`) ?? 0) + podSet.requests[r] * podSet.count);
      outcome.flavors[podSet.group.name] = chosen;
    }
  }
}

/** Whether a flavor's node labels satisfy the Pod's node selector and required affinity, on the flavor's own keys (flavorSelector). */
function flavorMatches(spec: Props, nodeLabels: Record<string, string>): boolean {
  const keys = new Set(Object.keys(nodeLabels));
  const selector = Object.fromEntries(Object.entries(spec.nodeSelector ?? {}).filter(([k]) => keys.has(k)));
  if (Object.entries(selector).some(([k, v]) => nodeLabels[k] !== v)) return false;
  const terms: Props[] =
    spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  const filtered: Props[] = [];
  for (const term of terms) {
    const expressions = ((term.matchExpressions ?? []) as Props[]).filter((e) => keys.has(e.key));
    if (!expressions.length) return true; // an emptied term matches any flavor (ORed terms)
    filtered.push({ matchExpressions: expressions });
  }
  return !filtered.length || matchesNodeSelectorTerms(filtered, (key) => (key in nodeLabels ? [nodeLabels[key]] : []));
}

/** Nominal quota plus what the cohort can lend (other ClusterQueues' unborrowed quota, within borrowingLimit). */
function maxCapacity(cqName: string, cqSpec: Props, flavor: string, resource: string, index: ClusterIndex): number {
  const quotaOf = (spec: Props): Props | undefined =>
    ((spec.resourceGroups ?? []) as Props[])
      .flatMap((g) => (g.flavors ?? []) as Props[])
      .find((f) => f.name === flavor)
      ?.resources?.find((r: Props) => r.name === resource);
  const own = quotaOf(cqSpec);
  const nominal = amountOf(resource, own?.nominalQuota) ?? 0;
  const cohort = cqSpec.cohortName ?? cqSpec.cohort;
  if (!cohort) return nominal;
  let lendable = 0;
  for (const other of objectsOf(index, "ClusterQueue")) {
    if (other.objectName === cqName) continue;
    const spec = other.props.spec ?? {};
    if ((spec.cohortName ?? spec.cohort) !== cohort) continue;
    const q = quotaOf(spec);
    lendable += amountOf(resource, q?.lendingLimit ?? q?.nominalQuota) ?? 0;
  }
  const cohortObject = objectNamed(index, "Cohort", String(cohort));
  const cohortQuota = cohortObject ? quotaOf(cohortObject.props.spec ?? {}) : undefined;
  lendable += amountOf(resource, cohortQuota?.nominalQuota) ?? 0;
  const borrowingLimit = own?.borrowingLimit !== undefined ? (amountOf(resource, own.borrowingLimit) ?? 0) : Infinity;
  return nominal + Math.min(lendable, borrowingLimit);
}
