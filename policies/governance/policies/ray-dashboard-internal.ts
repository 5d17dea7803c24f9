import { resourcePolicy } from "../../lib/policy";
import { at, isKubernetes, kindOf, type Props } from "../../lib/resources";

/** Ray's dashboard (job submission API) and client ports (KubeRay's defaults: ray-operator/controllers/ray/utils/constant.go). */
export const RAY_PRIVATE_PORTS = [8265, 10001] as const;
const EXPOSED_SERVICE_TYPES = ["LoadBalancer", "NodePort"];

/**
 * Ray's dashboard and client run code on the cluster (the Jobs API submits any entrypoint; the
 * client runs any function) without authentication by default, so they stay inside the cluster:
 * the head Service is ClusterIP (KubeRay's headGroupSpec.serviceType) with no Ingress
 * (headGroupSpec.enableIngress), and no other Service or Ingress exposes those ports.
 */
export const rayDashboardInternal = resourcePolicy<Record<string, never>>({
  name: "cnai-ray-dashboard-internal",
  description:
    "Ray's dashboard (8265, which accepts job submissions) and client port (10001) stay inside the cluster: RayClusters, RayJobs and " +
    "RayServices keep a ClusterIP head Service without an Ingress, and no LoadBalancer or NodePort Service or Ingress exposes those " +
    "ports. Anyone who reaches them can run code with the cluster's identity and data; use kubectl port-forward.",
  validate: (args, report) => {
    if (!isKubernetes(args.type)) return;
    const kind = kindOf(args.type);
    const name = `${kind} ${String(at(args.props, "metadata.namespace") ?? "default")}/${String(at(args.props, "metadata.name") ?? "")}`;
    if (kind === "RayCluster" || kind === "RayJob" || kind === "RayService") {
      const spec = (kind === "RayCluster" ? at(args.props, "spec") : at(args.props, "spec.rayClusterSpec")) as
        | Props
        | undefined;
      const head = (spec?.headGroupSpec ?? {}) as Props;
      const type = head.serviceType ?? "ClusterIP";
      if (type !== "ClusterIP")
        report(
          `${name} exposes its head (dashboard and client) on a ${type} Service. Set headGroupSpec.serviceType: ClusterIP.`,
        );
      if (head.enableIngress === true)
        report(
          `${name} creates an Ingress for its dashboard. Remove headGroupSpec.enableIngress; use kubectl port-forward.`,
        );
      return;
    }
    if (kind === "Service" && EXPOSED_SERVICE_TYPES.includes(String(at(args.props, "spec.type")))) {
      const ports = ((at(args.props, "spec.ports") ?? []) as Props[]).map((p) => Number(p.targetPort ?? p.port));
      const selector = (at(args.props, "spec.selector") ?? {}) as Record<string, string>;
      const ray = Object.keys(selector).some((k) => k.startsWith("ray.io/"));
      const hit = ports.filter((p) => (RAY_PRIVATE_PORTS as readonly number[]).includes(p));
      if (ray || hit.length)
        report(
          `${name} (${String(at(args.props, "spec.type"))}) exposes ${ray ? "Ray Pods" : `Ray's ports ${hit.join(", ")}`} outside the cluster. Use a ClusterIP Service.`,
        );
      return;
    }
    if (kind === "Ingress") {
      const backends: Props[] = [
        ...(at(args.props, "spec.defaultBackend") ? [at(args.props, "spec.defaultBackend") as Props] : []),
        ...((at(args.props, "spec.rules") ?? []) as Props[]).flatMap((r) =>
          ((r?.http?.paths ?? []) as Props[]).map((p) => p?.backend ?? {}),
        ),
      ];
      for (const b of backends) {
        const port = Number(b?.service?.port?.number);
        const service = String(b?.service?.name ?? "");
        if ((RAY_PRIVATE_PORTS as readonly number[]).includes(port) || /-head-svc$/.test(service))
          report(
            `${name} routes to Ray's head (${service}:${Number.isNaN(port) ? b?.service?.port?.name : port}) from outside the cluster. Remove the rule.`,
          );
      }
    }
  },
});
