import type { PlanObject } from "../cluster";
import type { Problem, Props } from "../model";
import { type Amounts, amountOf, describeAmounts } from "../quantity";
import type { NamespaceFacts } from "./namespaces";
import type { QuotaUsage } from "./resource-quota";

const SOURCE = "kubernetes plugin/pkg/admission/resourcequota/controller.go; pkg/quota/v1/evaluator/core/services.go, persistent_volume_claims.go; pkg/quota/v1/generic (count/<resource>.<group>)";

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
export function objectQuotaUsage(object: PlanObject): Amounts | undefined {
  const resource = RESOURCES[object.kind ?? ""];
  if (!resource) return undefined;
  const usage: Amounts = { [`count/${resource}`]: 1 };
  if (!resource.includes(".")) usage[resource] = 1;
  const spec: Props = object.props.spec ?? {};
  if (object.kind === "Service") {
    const type = spec.type ?? "ClusterIP";
    if (type === "LoadBalancer") usage["services.loadbalancers"] = 1;
    const nodePorts = type === "NodePort" || (type === "LoadBalancer" && spec.allocateLoadBalancerNodePorts !== false);
    if (nodePorts) usage["services.nodeports"] = (spec.ports ?? []).length;
  }
  if (object.kind === "PersistentVolumeClaim") {
    const storage = amountOf("requests.storage", spec.resources?.requests?.storage);
    if (storage !== undefined) usage["requests.storage"] = storage;
    if (spec.storageClassName) {
      usage[`${spec.storageClassName}.storageclass.storage.k8s.io/persistentvolumeclaims`] = 1;
      if (storage !== undefined) usage[`${spec.storageClassName}.storageclass.storage.k8s.io/requests.storage`] = storage;
    }
  }
  return usage;
}

/**
 * ResourceQuota's object counts for the objects the plan declares directly: a Service of type
 * LoadBalancer where `services.loadbalancers` is 0, more ConfigMaps than `count/configmaps`...
 * Quotas whose scopes select Pods only (BestEffort, PriorityClass...) do not count these.
 */
export function admitObject(object: PlanObject, namespace: NamespaceFacts, usage: QuotaUsage): Problem[] {
  const perObject = objectQuotaUsage(object);
  if (!perObject) return [];
  const problems: Problem[] = [];
  for (const quota of namespace.quotas) {
    if ((quota.spec.scopes ?? []).length || (quota.spec.scopeSelector?.matchExpressions ?? []).length) continue;
    const hard: Amounts = {};
    for (const [name, value] of Object.entries(quota.spec.hard ?? {})) {
      const amount = amountOf(name, value);
      if (amount !== undefined && perObject[name] !== undefined) hard[name] = amount;
    }
    const key = `${namespace.name}/${quota.name}`;
    const used = usage.get(key) ?? {};
    const over = Object.keys(hard).filter((name) => (used[name] ?? 0) + perObject[name] > hard[name]);
    if (over.length) {
      problems.push({
        step: "ResourceQuota",
        message: `exceeded quota: ${quota.name}, requested: ${describeAmounts(perObject, over)}, used: ${describeAmounts(Object.fromEntries(over.map((n) => [n, used[n] ?? 0])))}, limited: ${describeAmounts(hard, over)}`,
        fix: `raise ${over.join(", ")} of ResourceQuota ${quota.name} in ${namespace.name}, or change the ${object.kind} (${over.includes("services.loadbalancers") || over.includes("services.nodeports") ? "a ClusterIP Service behind a Gateway needs neither" : "fewer objects"})`,
        source: SOURCE,
      });
      continue;
    }
    for (const name of Object.keys(hard)) used[name] = (used[name] ?? 0) + perObject[name];
    usage.set(key, used);
  }
  return problems;
}
