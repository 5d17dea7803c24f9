/**
 * The shapes the workload simulation works on: resources as a policy or plan.json gives them, the
 * Pods controllers will create, and what admission and scheduling say about them.
 */
import type { JsonObject } from "../../../../components/json";

export type Props = JsonObject;

/** A resource as plan.json (`inputs`) or a CrossGuard stack policy (`props`, parent as an object) gives it. */
export interface AnalysisResource {
  readonly urn: string;
  readonly type: string;
  readonly name?: string;
  readonly parent?: unknown;
  readonly inputs?: Props;
  readonly props?: Props;
}

/** A Pod as a controller creates it: metadata and spec in Kubernetes' JSON shape. */
export interface PodObject {
  metadata: { name: string; namespace: string; labels: Record<string, string>; annotations: Record<string, string> };
  spec: Props;
}

/** Pods of one template that run at once. */
export interface PodGroup {
  /** The pod set: "predictor", "node", "Master", "controller"... */
  readonly name: string;
  /** Pods of this template at once (replicas, parallelism, numNodes). */
  readonly count: number;
  pod: PodObject;
  /** What controllers and webhooks added, with their versions. */
  readonly injected: string[];
  /** One Pod per matching node (DaemonSet), rather than `count` Pods anywhere. */
  readonly daemon?: boolean;
  /** Runs to completion before the rest of a gang starts (a TrainJob's initializers). */
  readonly sequential?: boolean;
  /** The most Pods an autoscaler may ask for (an InferenceService's maxReplicas); checked against capacity as a note. */
  readonly maxCount?: number;
}

/** Why a Pod would be refused or never scheduled, who says so, and what to change. */
export interface Problem {
  /** The pod group, when the problem is a pod's. */
  readonly pod?: string;
  /** The actor: Controller, NamespaceLifecycle, Priority, RuntimeClass, LimitRanger, LimitRanger defaults, Validation (object validation of the mutated Pod), PodSecurity, ResourceQuota, Kueue, Scheduler. */
  readonly step: string;
  readonly message: string;
  readonly fix: string;
  /** The upstream source of the rule. */
  readonly source: string;
}

/** A workload the plan declares (directly, or through a chart's facts) and its Pods. */
export interface Workload {
  /** URN of the resource that declares it: the object itself, or the chart or kustomization. */
  readonly urn: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  /** declared, or the chart and version its facts come from. */
  readonly source: string;
  /** What creates its Pods, at which version. */
  readonly controller: string;
  /** All Pods must run at once (a distributed training job). */
  readonly gang: boolean;
  readonly groups: PodGroup[];
  /** The Kueue LocalQueue it names (label kueue.x-k8s.io/queue-name), or Kueue's default LocalQueue gives it. */
  queue?: string;
  readonly queuePriorityClass?: string;
  readonly notes: string[];
  readonly problems: Problem[];
  /** Set when its Pods cannot be derived (no facts for a chart version): not checked. */
  readonly unchecked?: string;
}

/** refused: the API server refuses its Pods; not-admitted: no Pod is created (Kueue, no controller); unschedulable: Pods never placed; misallocated: runs, holding resources a LimitRange gave it unasked. */
export type WorkloadStatus = "runnable" | "refused" | "not-admitted" | "unschedulable" | "misallocated" | "unchecked";

/** One Pod template's outcome, as plan.json records it. */
export interface PodReport {
  name: string;
  count: number;
  containers: string[];
  initContainers: string[];
  injected: string[];
  /** The Pod's requests as the scheduler counts them (init containers and sidecars included), after admission. */
  requests: Record<string, string>;
  admitted: boolean;
  /** Admission steps passed, in the API server's order. */
  admission: string[];
  /** Node pools it fits. */
  pools: string[];
  /** Where the group lands: the pool and the nodes it needs at once. */
  placement?: { pool: string; nodes: number };
}

/** A workload's outcome, as plan.json's `workloads` section records it. */
export interface WorkloadReport {
  urn: string;
  kind: string;
  name: string;
  namespace: string;
  source: string;
  controller: string;
  gang: boolean;
  status: WorkloadStatus;
  queue?: { localQueue: string; clusterQueue?: string; flavors: Record<string, string> };
  pods: PodReport[];
  problems: Problem[];
  notes: string[];
}

/** A node pool as a node shape, as plan.json records it. */
export interface PoolReport {
  name: string;
  machineType: string;
  maxNodes: number;
  /** What one node offers Pods after GKE's reservations. */
  allocatable: Record<string, string>;
  /** What the plan's DaemonSets request on each node of the pool. */
  daemonSets: Record<string, string>;
  taints: string[];
  capacity: string;
}

export interface WorkloadsSection {
  /** The Kubernetes version the simulation assumes (version-gated admission: Pod Security's checks, Pod-level resources), and why. */
  cluster?: { version: string; source: string };
  /** Workloads checked, and how many would run. */
  summary: {
    workloads: number;
    runnable: number;
    refused: number;
    notAdmitted: number;
    unschedulable: number;
    misallocated: number;
    unchecked: number;
  };
  pools: PoolReport[];
  workloads: WorkloadReport[];
}
