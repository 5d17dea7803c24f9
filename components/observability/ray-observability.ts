import type { AlertRule } from "./alerts";
import type { Dashboard } from "./dashboards";
import { objectNamespace } from "./metrics";

/**
 * Ray's metrics, by where they come from:
 * - the Ray nodes' metrics port (8080, `metrics-export-port`): `ray_tasks{State}`,
 *   `ray_object_store_memory{Location}` with Location SPILLED for spilled bytes (Ray 2.55
 *   doc/source/ray-observability/reference/system-metrics.rst);
 * - the autoscaler in the head Pod (port 44217): `autoscaler_pending_nodes{NodeType}`, without the
 *   `ray_` prefix (python/ray/autoscaler/_private/prom_metrics.py, namespace "autoscaler");
 * - the KubeRay operator (port 8080 `/metrics`): `kuberay_job_deployment_status{name, namespace,
 *   deployment_status}` (kuberay v1.7.0 ray-operator/controllers/ray/metrics/ray_job_metrics.go),
 *   about RayJobs in other namespaces: its `namespace` label is the object's (objectNamespace).
 * The scrapes add `ray_cluster` from the Pods' `ray.io/cluster` label.
 */
export const RAY_METRICS = {
  tasks: "ray_tasks",
  objectStore: "ray_object_store_memory",
  pendingNodes: "autoscaler_pending_nodes",
  jobStatus: "kuberay_job_deployment_status",
} as const;

/** Ray's scrape ports on the head Pod besides the metrics port: the autoscaler's and the dashboard's. */
export const RAY_HEAD_METRICS_PORTS = { autoscaler: 44217, dashboard: 44227 } as const;

/** Alerts for data preparation on Ray: failed RayJobs, nodes the autoscaler cannot get, object-store spilling. */
export function rayAlerts(): AlertRule[] {
  return [
    {
      name: "RayJobFailed",
      severity: "warning",
      expr: `max by (namespace, name) (${objectNamespace(`${RAY_METRICS.jobStatus}{deployment_status="Failed"}`)}) > 0`,
      for: "1m",
      summary: "A RayJob failed: its data was not prepared.",
      runbook:
        "kubectl -n <namespace> describe rayjob <name>, then read the driver's logs in the Ray dashboard (kubectl port-forward svc/<cluster>-head-svc 8265) or the head Pod's /tmp/ray/session_latest/logs; fix the script or the input and re-create the RayJob.",
      page: false,
    },
    {
      name: "RayAutoscalerPendingNodes",
      severity: "warning",
      expr: `sum by (namespace, ray_cluster, NodeType) (${RAY_METRICS.pendingNodes}) > 0`,
      for: "30m",
      summary:
        "A Ray cluster's autoscaler has waited 30 minutes for worker Pods: the queue, the team's quota or the node pool is full.",
      runbook:
        "kubectl -n <namespace> get workloads (Kueue): a pending workload slice means the ClusterQueue has no room; otherwise check the team's ResourceQuota and the node pool's maximum (GpuPoolAtMaximum).",
      page: false,
    },
    {
      name: "RayObjectStoreSpilling",
      severity: "warning",
      expr: `sum by (namespace, ray_cluster) (${RAY_METRICS.objectStore}{Location="SPILLED"}) > 0`,
      for: "15m",
      summary:
        "A Ray cluster has been spilling its object store to disk for 15 minutes: preparation slows down and the Pods' scratch space fills.",
      runbook:
        "Give the workers more memory (ray.clusters[].cpuWorkers.memoryGi: the object store takes 30 % of it), more workers, or process smaller blocks (ray.data override_num_blocks).",
      page: false,
    },
  ];
}

/** A dashboard of the teams' Ray clusters and jobs. */
export function rayDashboard(): Dashboard {
  return {
    uid: "cnai-ray",
    title: "cnai · Ray data preparation",
    panels: [
      {
        title: "Ray tasks by state",
        unit: "short",
        queries: [{ expr: `sum by (namespace, State) (${RAY_METRICS.tasks})`, legend: "{{namespace}} {{State}}" }],
      },
      {
        title: "Object store memory by location (MiB)",
        unit: "mebibytes",
        queries: [
          {
            expr: `sum by (namespace, ray_cluster, Location) (${RAY_METRICS.objectStore}) / 1048576`,
            legend: "{{namespace}}/{{ray_cluster}} {{Location}}",
          },
        ],
      },
      {
        title: "Autoscaler pending nodes",
        unit: "short",
        queries: [
          {
            expr: `sum by (namespace, ray_cluster, NodeType) (${RAY_METRICS.pendingNodes})`,
            legend: "{{namespace}}/{{ray_cluster}} {{NodeType}}",
          },
        ],
      },
      {
        title: "RayJobs by status",
        unit: "short",
        queries: [
          {
            expr: `count by (deployment_status) (${RAY_METRICS.jobStatus} > 0)`,
            legend: "{{deployment_status}}",
          },
        ],
      },
    ],
  };
}
