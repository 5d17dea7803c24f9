import type { JsonObject } from "../../components/json";
import type { PlanResource } from "../../scripts/lib/plan-document";

type Props = JsonObject;

/**
 * Workloads that validate against their schemas but would never run on the prod cluster, one per
 * way the issue lists, to add to the prod plan (teams nlp, vision; pools gpu-l4-serve, gpu-h100-train).
 * Each entry names the workload resource and what the simulation must say about it.
 */
export const BROKEN_WORKLOADS: ReadonlyArray<{ name: string; expect: RegExp }> = [
  { name: "no-toleration", expect: /untolerated taint nvidia\.com\/gpu=present:NoSchedule/ },
  { name: "selector-no-pool", expect: /no node pool is named gpu-a100-serve/ },
  { name: "too-big", expect: /Insufficient cpu \(needs 300/ },
  { name: "gang-too-big", expect: /the gang needs all 6 Pods at once/ },
  { name: "quota-too-small", expect: /exceeded quota: tiny-quota, requested: requests\.cpu=1/ },
  { name: "privileged-agent", expect: /violates PodSecurity "restricted:latest": privileged/ },
  {
    name: "cpu-batch",
    expect:
      /LimitRange gpu-max sets max nvidia\.com\/gpu 4 without a default, .* container app nvidia\.com\/gpu 4, which it does not ask for/,
  },
  {
    name: "critical-agent",
    expect:
      /insufficient quota to match these scopes: \[\{PriorityClass In \[system-node-critical system-cluster-critical\]\}\]/,
  },
  { name: "lost-queue", expect: /LocalQueue research-queue doesn't exist in namespace team-vision/ },
];

const resource = (stack: string, type: string, name: string, inputs: Props): PlanResource => ({
  urn: `urn:pulumi:${stack}::cnai-platform::${type}::${name}`,
  type,
  name,
  parent: null,
  provider: null,
  custom: true,
  inputs,
  options: {
    protect: false,
    retainOnDelete: false,
    deleteBeforeReplace: false,
    ignoreChanges: [],
    dependsOn: [],
    aliases: [],
    additionalSecretOutputs: [],
  },
});

const app = (
  resources: Props = { requests: { cpu: "1", memory: "1Gi" }, limits: { memory: "1Gi" } },
  securityContext?: Props,
) => ({
  name: "app",
  image: "us-central1-docker.pkg.dev/acme-ml-prod/cnai-prod-images/app:1.0.0",
  resources,
  ...(securityContext ? { securityContext } : {}),
});

function deployment(stack: string, namespace: string, name: string, spec: Props, kind = "Deployment"): PlanResource {
  const apiVersion = "apps/v1";
  return resource(stack, `kubernetes:apps/v1:${kind}`, name, {
    apiVersion,
    kind,
    metadata: { name, namespace },
    spec: {
      ...(kind === "Deployment" ? { replicas: 1 } : {}),
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec },
    },
  });
}

function trainJob(
  stack: string,
  namespace: string,
  name: string,
  queue: string | undefined,
  numNodes: number,
): PlanResource {
  return resource(stack, "kubernetes:trainer.kubeflow.org/v1alpha1:TrainJob", name, {
    apiVersion: "trainer.kubeflow.org/v1alpha1",
    kind: "TrainJob",
    metadata: { name, namespace, labels: queue ? { "kueue.x-k8s.io/queue-name": queue } : {} },
    spec: {
      runtimeRef: { apiGroup: "trainer.kubeflow.org", kind: "ClusterTrainingRuntime", name: "torch-distributed" },
      trainer: {
        image: "us-central1-docker.pkg.dev/acme-ml-prod/cnai-prod-images/train:1.0.0",
        numNodes,
        resourcesPerNode: {
          requests: { cpu: "100", memory: "1000Gi", "nvidia.com/gpu": "8" },
          limits: { cpu: "100", memory: "1000Gi", "nvidia.com/gpu": "8" },
        },
      },
      runtimePatches: [
        {
          manager: "test",
          trainingRuntimeSpec: {
            template: {
              spec: {
                replicatedJobs: [
                  {
                    name: "node",
                    template: {
                      spec: {
                        template: {
                          spec: {
                            nodeSelector: { "cloud.google.com/gke-nodepool": "gpu-h100-train" },
                            tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
                          },
                        },
                      },
                    },
                  },
                ],
              },
            },
          },
        },
      ],
    },
  });
}

/** The broken workloads (and the namespace, quota and LimitRange two of them need) as plan resources of `stack`. */
export function brokenWorkloads(stack: string): PlanResource[] {
  return [
    deployment(stack, "team-nlp", "no-toleration", {
      nodeSelector: { "cloud.google.com/gke-nodepool": "gpu-l4-serve" },
      containers: [app()],
    }),
    deployment(stack, "team-nlp", "selector-no-pool", {
      nodeSelector: { "cloud.google.com/gke-nodepool": "gpu-a100-serve" },
      containers: [app()],
    }),
    // In the default namespace: no quota there to refuse it first.
    deployment(stack, "default", "too-big", {
      containers: [app({ requests: { cpu: "300", memory: "1Gi" }, limits: { memory: "1Gi" } })],
    }),
    // Unqueued, where no quota refuses it first: the scheduler alone must see it never starts.
    trainJob(stack, "default", "gang-too-big", undefined, 6),
    resource(stack, "kubernetes:core/v1:Namespace", "team-tiny-ns", {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "team-tiny", labels: { "pod-security.kubernetes.io/enforce": "baseline" } },
    }),
    resource(stack, "kubernetes:core/v1:ResourceQuota", "team-tiny-quota", {
      apiVersion: "v1",
      kind: "ResourceQuota",
      metadata: { name: "tiny-quota", namespace: "team-tiny" },
      spec: { hard: { "requests.cpu": "500m" } },
    }),
    deployment(stack, "team-tiny", "quota-too-small", { containers: [app()] }),
    deployment(stack, "model-registry", "privileged-agent", {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
      containers: [
        app(undefined, { privileged: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } }),
      ],
    }),
    resource(stack, "kubernetes:core/v1:LimitRange", "team-vision-gpu-max", {
      apiVersion: "v1",
      kind: "LimitRange",
      metadata: { name: "gpu-max", namespace: "team-vision" },
      spec: { limits: [{ type: "Container", max: { "nvidia.com/gpu": "4" } }] },
    }),
    deployment(stack, "team-vision", "cpu-batch", { containers: [app()] }),
    deployment(
      stack,
      "team-vision",
      "critical-agent",
      { priorityClassName: "system-cluster-critical", containers: [app()] },
      "DaemonSet",
    ),
    trainJob(stack, "team-vision", "lost-queue", "research-queue", 1),
  ];
}
