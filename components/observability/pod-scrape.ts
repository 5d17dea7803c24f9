/**
 * A scrape of Pods by label on named ports, as the stack's backend reads it: a PodMonitoring
 * (Managed Prometheus, monitoring.googleapis.com/v1: endpoints[].port, targetLabels.fromPod) or a
 * PodMonitor (Prometheus Operator, monitoring.coreos.com/v1: podMetricsEndpoints[].port, with a
 * relabeling from the Pod label's service-discovery meta label,
 * `__meta_kubernetes_pod_label_<name with non-alphanumerics as _>`, per Prometheus' kubernetes_sd_config).
 */
export interface PodScrape {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  selector: { matchLabels: Record<string, string> };
  /** Container port names; a Pod without one of them gives no target for it. */
  ports: readonly string[];
  /** Pod labels copied onto the series, by Pod label: the series label. */
  podLabels?: Readonly<Record<string, string>>;
  /** @default "30s" */
  interval?: string;
}

export function podScrapeObject(backend: "managed" | "self-hosted", scrape: PodScrape) {
  const interval = scrape.interval ?? "30s";
  const podLabels = Object.entries(scrape.podLabels ?? {});
  const metadata = { name: scrape.name, namespace: scrape.namespace, labels: scrape.labels };
  if (backend === "managed")
    return {
      apiVersion: "monitoring.googleapis.com/v1",
      kind: "PodMonitoring",
      metadata,
      spec: {
        selector: scrape.selector,
        endpoints: scrape.ports.map((port) => ({ port, interval })),
        ...(podLabels.length ? { targetLabels: { fromPod: podLabels.map(([from, to]) => ({ from, to })) } } : {}),
      },
    };
  const relabelings = podLabels.map(([from, to]) => ({
    sourceLabels: [`__meta_kubernetes_pod_label_${from.replace(/[^a-zA-Z0-9_]/g, "_")}`],
    targetLabel: to,
    action: "replace",
  }));
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PodMonitor",
    metadata,
    spec: {
      selector: scrape.selector,
      podMetricsEndpoints: scrape.ports.map((port) => ({
        port,
        interval,
        ...(relabelings.length ? { relabelings } : {}),
      })),
    },
  };
}
