import type * as pulumi from "@pulumi/pulumi";
import { IMAGES } from "../../components/catalog/software";
import { Tracing } from "../../components/observability/tracing";
import type { LayerContext } from "./context";
import type { Data } from "./data";
import type { Foundation } from "./foundation";
import type { Workloads } from "./workloads";

/** Cloud Trace, where the collector writes spans. */
export const TRACING_APIS = ["cloudtrace.googleapis.com"] as const;

/**
 * Tracing when `tracing.enabled`: the OpenTelemetry Operator, a collector exporting to Cloud Trace,
 * and Python auto-instrumentation offered to every team namespace.
 */
export function buildTracing(
  ctx: LayerContext,
  foundation: Foundation,
  workloads: Workloads,
  data: Data,
  afterApis: pulumi.Resource[],
) {
  const { settings, project, prefix, labels } = ctx;
  if (!settings.tracing.enabled) return undefined;
  return new Tracing(
    "tracing",
    {
      project,
      prefix,
      labels,
      samplingRatio: settings.tracing.samplingRatio,
      teamNamespaces: workloads.teams.map((t) => t.namespace),
      namespaceObjects: Object.fromEntries(workloads.teams.map((t) => [t.namespace, t.namespaceObject])),
      cluster: foundation.cluster.cluster,
      certManager: [workloads.kserve.certManager],
      replicas: settings.profile === "prod" ? 2 : 1,
      // Through the Docker Hub remote repository when the stack has one (scanned, off Docker Hub's limits).
      collectorImage: data.registry.dockerHubHost
        ? `${data.registry.dockerHubHost}/${IMAGES.otelCollectorContrib.image}`
        : undefined,
    },
    {
      providers: { kubernetes: foundation.provider },
      dependsOn: afterApis,
    },
  );
}
