import { type ClusterIndex, chartsNamed, type PlanObject } from "../cluster";
import type { Props, Workload } from "../model";
import { controllerProblem, labelsOf, nameOf, namespaceOf, plain, workloadShell } from "./pods";

const SOURCE = "open-telemetry/opentelemetry-operator v0.158.0";

/**
 * Pods of an OpenTelemetryCollector (opentelemetry.io/v1beta1) as the operator builds them
 * (internal/manifests/collector: deployment.go, daemonset.go, statefulset.go, container.go): one
 * `otc-container` with the spec's image, resources, securityContext, env and ports, in a Pod with the
 * spec's podSecurityContext, serviceAccount (default `<name>-collector`), nodeSelector, tolerations,
 * affinity and priorityClassName; `replicas` Pods (default 1) in deployment and statefulset modes,
 * one per node in daemonset mode; sidecar mode creates no Pods of its own.
 */
export function deriveOpenTelemetryCollector(object: PlanObject, index: ClusterIndex): Workload {
  const props = object.props;
  const name = nameOf(props, object.name);
  const namespace = namespaceOf(props);
  const spec: Props = plain(props.spec ?? {});
  const mode = String(spec.mode ?? "deployment");
  const chart = chartsNamed(index, "opentelemetry-operator")[0];
  const workload = workloadShell({
    urn: object.urn,
    kind: "OpenTelemetryCollector",
    name,
    namespace,
    source: "declared",
    controller: chart
      ? `OpenTelemetry Operator (chart ${String(chart.props.version ?? "")})`
      : "OpenTelemetry Operator (not installed)",
    gang: false,
    labels: labelsOf(props),
  });
  if (!chart) {
    workload.problems.push(
      controllerProblem(
        `no OpenTelemetry Operator in the plan (chart opentelemetry-operator): nothing turns OpenTelemetryCollector ${namespace}/${name} into Pods`,
        "install the operator before declaring collectors (components/observability/tracing.ts)",
        "open-telemetry/opentelemetry-helm-charts charts/opentelemetry-operator",
      ),
    );
  }
  if (mode === "sidecar") {
    workload.notes.push("sidecar mode: injected into the Pods that ask for it, no Pods of its own");
    return workload;
  }
  const container: Props = {
    name: "otc-container",
    image: spec.image,
    ...(spec.resources ? { resources: spec.resources } : {}),
    ...(spec.securityContext ? { securityContext: spec.securityContext } : {}),
    ...(spec.env ? { env: spec.env } : {}),
  };
  const podSpec: Props = {
    serviceAccountName: spec.serviceAccount ?? `${name}-collector`,
    containers: [container],
    ...(spec.podSecurityContext ? { securityContext: spec.podSecurityContext } : {}),
    ...(spec.nodeSelector ? { nodeSelector: spec.nodeSelector } : {}),
    ...(spec.tolerations ? { tolerations: spec.tolerations } : {}),
    ...(spec.affinity ? { affinity: spec.affinity } : {}),
    ...(spec.priorityClassName ? { priorityClassName: spec.priorityClassName } : {}),
    ...(spec.hostNetwork ? { hostNetwork: true } : {}),
  };
  workload.groups.push({
    name: "collector",
    count: mode === "daemonset" ? 1 : Number(spec.replicas ?? 1),
    pod: {
      metadata: {
        name: `${name}-collector-<hash>`,
        namespace,
        labels: { ...labelsOf(props), "app.kubernetes.io/component": "opentelemetry-collector" },
        annotations: {},
      },
      spec: podSpec,
    },
    injected: [],
    ...(mode === "daemonset" ? { daemon: true } : {}),
  });
  workload.notes.push(`${SOURCE}: ${mode} mode`);
  return workload;
}
