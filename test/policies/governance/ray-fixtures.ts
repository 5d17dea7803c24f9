/** RayClusters and RayJobs as plan resources, for the Ray policies' tests. */
export const RAY_CLUSTER = "kubernetes:ray.io/v1:RayCluster";
export const QUEUE = { "kueue.x-k8s.io/queue-name": "team-queue" };
export const ELASTIC = { "kueue.x-k8s.io/elastic-job": "true" };

export const clusterSpec = (
  extra: Record<string, unknown> = {},
  workers: Record<string, unknown>[] = [{ groupName: "cpu", minReplicas: 0, maxReplicas: 4 }],
) => ({
  enableInTreeAutoscaling: true,
  headGroupSpec: { serviceType: "ClusterIP", rayStartParams: {}, template: { spec: { containers: [] } } },
  workerGroupSpecs: workers,
  ...extra,
});
export const rayCluster = (
  labels: Record<string, string> = QUEUE,
  annotations: Record<string, string> = ELASTIC,
  spec = clusterSpec(),
) => ({
  type: RAY_CLUSTER,
  name: "rc",
  inputs: { metadata: { name: "data-prep", namespace: "team-vision", labels, annotations }, spec },
});
