import { GKE_DEFAULT_STORAGE_CLASS } from "../../../../../components/catalog/gke-nodes";
import { type ClusterIndex, objectsOf, type PlanObject } from "../cluster";
import type { Problem, Props } from "../model";
import { type Amounts, addAmounts, amountOf, describeAmounts } from "../quantity";
import type { NamespaceFacts } from "./namespaces";
import type { QuotaUsage } from "./resource-quota";

const SOURCE =
  "kubernetes plugin/pkg/admission/resourcequota/controller.go; pkg/quota/v1/evaluator/core/services.go, persistent_volume_claims.go; pkg/quota/v1/generic (count/<resource>.<group>); pkg/controller/statefulset (claims per replica)";

/** The resource (plural, group) ResourceQuota counts an object of this kind as, for `count/<resource>[.<group>]`. */
const RESOURCES: Readonly<Record<string, string>> = {
  Service: "services",
  PersistentVolumeClaim: "persistentvolumeclaims",
  ConfigMap: "configmaps",
  Secret: "secrets",
  ReplicationController: "replicationcontrollers",
  ResourceQuota: "resourcequotas",
  Deployment: "deployments.apps",
  StatefulSet: "statefulsets.apps",
  DaemonSet: "daemonsets.apps",
  Job: "jobs.batch",
  CronJob: "cronjobs.batch",
};

/** What one object counts against a quota (object count evaluators, services and PVC evaluators). */
export function objectQuotaUsage(object: PlanObject, defaultClass = GKE_DEFAULT_STORAGE_CLASS): Amounts | undefined {
  const resource = RESOURCES[object.kind ?? ""];
  if (!resource) return undefined;
  const usage: Amounts = { [`count/${resource}`]: 1 };
  if (!resource.includes(".")) usage[resource] = 1;
  const spec: Props = object.props.spec ?? {};
  if (object.kind === "Service") {
    const type = spec.type ?? "ClusterIP";
    if (type === "LoadBalancer") usage["services.loadbalancers"] = 1;
    // services.go Usage: a NodePort or LoadBalancer Service counts its ports; one whose node ports are not
    // allocated (allocateLoadBalancerNodePorts: false, a field only LoadBalancer Services may set)
    // counts only the ports naming a nodePort (portsWithNodePorts).
    const ports: Props[] = spec.ports ?? [];
    if (type === "NodePort" || type === "LoadBalancer")
      usage["services.nodeports"] =
        spec.allocateLoadBalancerNodePorts === false ? ports.filter((p) => p.nodePort).length : ports.length;
  }
  if (object.kind === "PersistentVolumeClaim") Object.assign(usage, claimUsage(spec, defaultClass));
  return usage;
}

/**
 * What one PersistentVolumeClaim counts (persistent_volume_claims.go Usage): the claim, its
 * requested storage, and both again per StorageClass; a claim that names no class has the default
 * class by then (the DefaultStorageClass admission plugin runs before ResourceQuota).
 */
function claimUsage(spec: Props, defaultClass: string): Amounts {
  const usage: Amounts = { persistentvolumeclaims: 1, "count/persistentvolumeclaims": 1 };
  const storage = amountOf("requests.storage", spec.resources?.requests?.storage);
  if (storage !== undefined) usage["requests.storage"] = storage;
  const storageClass = spec.storageClassName ?? defaultClass;
  if (storageClass) {
    usage[`${storageClass}.storageclass.storage.k8s.io/persistentvolumeclaims`] = 1;
    if (storage !== undefined) usage[`${storageClass}.storageclass.storage.k8s.io/requests.storage`] = storage;
  }
  return usage;
}

/** The cluster's default StorageClass: one the plan declares as default, else GKE's (components/catalog/gke-nodes.ts). */
export function defaultStorageClass(index: ClusterIndex): string {
  const declared = objectsOf(index, "StorageClass").find(
    (sc) => String(sc.props.metadata?.annotations?.["storageclass.kubernetes.io/is-default-class"]) === "true",
  );
  return declared?.objectName ?? GKE_DEFAULT_STORAGE_CLASS;
}

/**
 * ResourceQuota's object counts for the objects the plan declares directly: a Service of type
 * LoadBalancer where `services.loadbalancers` is 0, more ConfigMaps than `count/configmaps`...; and
 * the claims a StatefulSet's controller creates, one per replica and volumeClaimTemplate
 * (pkg/controller/statefulset stateful_pod_control.go createPersistentVolumeClaims), each counted as
 * its controller creates it: a replica whose claim exceeds the quota stays Pending.
 * Quotas whose scopes select Pods only (BestEffort, PriorityClass...) do not count these.
 */
export function admitObject(
  object: PlanObject,
  namespace: NamespaceFacts,
  usage: QuotaUsage,
  defaultClass = GKE_DEFAULT_STORAGE_CLASS,
): Problem[] {
  const perObject = objectQuotaUsage(object, defaultClass);
  if (!perObject) return [];
  const problems = count(object, perObject, 1, namespace, usage, "");
  if (object.kind === "StatefulSet") {
    const replicas = Number(object.props.spec?.replicas ?? 1);
    const templates: Props[] = object.props.spec?.volumeClaimTemplates ?? [];
    const perReplica: Amounts = {};
    for (const template of templates) addAmounts(perReplica, claimUsage(template?.spec ?? {}, defaultClass));
    if (templates.length && replicas > 0)
      problems.push(
        ...count(
          object,
          perReplica,
          replicas,
          namespace,
          usage,
          ` for the PersistentVolumeClaims of its volumeClaimTemplates (${templates.map((t) => t?.metadata?.name).join(", ")}), one set per replica`,
        ),
      );
  }
  return problems;
}

/** `times` copies of one usage against the namespace's unscoped quotas; as many copies as fit are counted. */
function count(
  object: PlanObject,
  per: Amounts,
  times: number,
  namespace: NamespaceFacts,
  usage: QuotaUsage,
  what: string,
): Problem[] {
  const problems: Problem[] = [];
  for (const quota of namespace.quotas) {
    if ((quota.spec.scopes ?? []).length || (quota.spec.scopeSelector?.matchExpressions ?? []).length) continue;
    const hard: Amounts = {};
    for (const [name, value] of Object.entries(quota.spec.hard ?? {})) {
      const amount = amountOf(name, value);
      if (amount !== undefined && per[name] !== undefined) hard[name] = amount;
    }
    const key = `${namespace.name}/${quota.name}`;
    const used = usage.get(key) ?? {};
    let fits = times;
    for (const name of Object.keys(hard))
      if (per[name] > 0) fits = Math.min(fits, Math.max(0, Math.floor((hard[name] - (used[name] ?? 0)) / per[name])));
    if (fits < times) {
      const over = Object.keys(hard).filter((name) => (used[name] ?? 0) + per[name] * times > hard[name]);
      const requested = Object.fromEntries(over.map((n) => [n, per[n] * times]));
      problems.push({
        step: "ResourceQuota",
        message: `exceeded quota: ${quota.name}, requested: ${describeAmounts(requested)}, used: ${describeAmounts(Object.fromEntries(over.map((n) => [n, used[n] ?? 0])))}, limited: ${describeAmounts(hard, over)}${what}${times > 1 ? ` (${fits} of ${times} fit)` : ""}`,
        fix: `raise ${over.join(", ")} of ResourceQuota ${quota.name} in ${namespace.name}, or change the ${object.kind} (${over.includes("services.loadbalancers") || over.includes("services.nodeports") ? "a ClusterIP Service behind a Gateway needs neither" : "fewer or smaller objects"})`,
        source: SOURCE,
      });
    }
    for (const name of Object.keys(hard)) used[name] = (used[name] ?? 0) + per[name] * fits;
    usage.set(key, used);
  }
  return problems;
}
