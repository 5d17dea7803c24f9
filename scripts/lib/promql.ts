// The package's typings are ES modules while its CommonJS build is what a require loads.
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const parser = (
  require("@prometheus-io/lezer-promql") as typeof import("@prometheus-io/lezer-promql", { with: {
    "resolution-mode": "import",
  }})
).parser;

/**
 * Syntax errors in a PromQL expression, by the Prometheus project's own grammar
 * (@prometheus-io/lezer-promql): the offsets where the parser had to recover; empty when valid.
 */
export function promqlErrors(expr: string): number[] {
  const errors: number[] = [];
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError) errors.push(node.from);
    },
  });
  if (expr.trim() === "" && errors.length === 0) errors.push(0);
  return errors;
}

/** Every PromQL expression of a plan's monitoring resources: rules, alert policies, dashboards. */
export function planPromql(
  resources: ReadonlyArray<{ type: string; inputs: Record<string, unknown> }>,
): Array<{ where: string; expr: string }> {
  const found: Array<{ where: string; expr: string }> = [];
  for (const r of resources) {
    const kind = r.inputs.kind;
    if (kind === "PrometheusRule" || kind === "ClusterRules" || kind === "Rules" || kind === "GlobalRules") {
      const groups =
        (r.inputs.spec as { groups?: Array<{ rules: Array<{ alert?: string; record?: string; expr: string }> }> })
          ?.groups ?? [];
      for (const rule of groups.flatMap((g) => g.rules))
        found.push({ where: `${kind} ${rule.alert ?? rule.record}`, expr: rule.expr });
    }
    if (r.type === "gcp:monitoring/alertPolicy:AlertPolicy") {
      for (const c of (r.inputs.conditions as Array<{
        displayName: string;
        conditionPrometheusQueryLanguage?: { query: string };
      }>) ?? []) {
        if (c.conditionPrometheusQueryLanguage)
          found.push({ where: `AlertPolicy ${c.displayName}`, expr: c.conditionPrometheusQueryLanguage.query });
      }
    }
    if (r.type === "gcp:monitoring/dashboard:Dashboard" && typeof r.inputs.dashboardJson === "string") {
      const tiles = (
        JSON.parse(r.inputs.dashboardJson) as {
          mosaicLayout: {
            tiles: Array<{
              widget: { title: string; xyChart: { dataSets: Array<{ timeSeriesQuery: { prometheusQuery: string } }> } };
            }>;
          };
        }
      ).mosaicLayout.tiles;
      for (const t of tiles)
        for (const d of t.widget.xyChart.dataSets)
          found.push({ where: `Dashboard ${t.widget.title}`, expr: d.timeSeriesQuery.prometheusQuery });
    }
    if (
      kind === "ConfigMap" &&
      (r.inputs.metadata as { labels?: Record<string, string> })?.labels?.grafana_dashboard === "1"
    ) {
      for (const json of Object.values((r.inputs.data as Record<string, string>) ?? {})) {
        for (const panel of (JSON.parse(json) as { panels: Array<{ title: string; targets: Array<{ expr: string }> }> })
          .panels) {
          for (const target of panel.targets) found.push({ where: `Grafana ${panel.title}`, expr: target.expr });
        }
      }
    }
  }
  return found;
}
