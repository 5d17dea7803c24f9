import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { sizeDisruptionBudget } from "../catalog/disruption";

export interface DisruptionBudgetArgs {
  /** The PodDisruptionBudget's name (`<workload>-pdb`). */
  name: string;
  namespace: string;
  labels: Record<string, string>;
  /** The workload's Pod labels the budget selects (its controller's selector). */
  selector: Record<string, string>;
  /** The workload's replica bounds; the budget is sized from them (components/catalog/disruption.ts). */
  replicas: { min: number; max: number };
}

/**
 * A policy/v1 PodDisruptionBudget over a workload's Pods, sized so that a drain always proceeds
 * (`maxUnavailable` at least 1: sizeDisruptionBudget) while voluntary evictions (node upgrades,
 * autoscaler scale-down, `kubectl drain`) take at most a quarter of its minimum at once.
 */
export function disruptionBudget(
  resourceName: string,
  args: DisruptionBudgetArgs,
  opts: pulumi.CustomResourceOptions,
): k8s.policy.v1.PodDisruptionBudget {
  return new k8s.policy.v1.PodDisruptionBudget(
    resourceName,
    {
      metadata: { name: args.name, namespace: args.namespace, labels: args.labels },
      spec: {
        ...sizeDisruptionBudget(args.replicas.min, args.replicas.max),
        selector: { matchLabels: args.selector },
        // Pods that never became ready (a model still loading, a crash loop) can be evicted even when
        // the budget is spent, so a broken rollout does not block drains (policy/v1
        // PodDisruptionBudgetSpec.unhealthyPodEvictionPolicy, GA in Kubernetes 1.31).
        unhealthyPodEvictionPolicy: "AlwaysAllow",
      },
    },
    opts,
  );
}
