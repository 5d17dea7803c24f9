import type { Json } from "../../../components/json";
import { isGpuNodePool } from "../../lib/gpu";
import { stackPolicy } from "../../lib/policy";
import { at } from "../../lib/resources";

export interface IdleGpuAlertConfig {
  /** Metrics that measure GPU utilisation; an alert on one of them falling below a threshold counts. */
  metrics: string[];
}

/** Rule resources whose `spec.groups[].rules[]` hold Prometheus alerting rules. */
const RULE_TYPES = [
  "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
  "kubernetes:monitoring.googleapis.com/v1:ClusterRules",
  "kubernetes:monitoring.googleapis.com/v1:Rules",
  "kubernetes:monitoring.googleapis.com/v1:GlobalRules",
];

/** A PromQL expression that fires when a utilisation metric drops below something. */
const firesWhenLow = (expr: string, metrics: string[]): boolean =>
  metrics.some((m) => expr.includes(m)) && expr.includes("<");

export const idleGpuAlert = stackPolicy<IdleGpuAlertConfig>({
  name: "cnai-idle-gpu-alert",
  description:
    "A stack with GPU node pools alerts on idle GPUs: a GPU left allocated with nothing to do draws power and money for nothing, " +
    "and no one notices without an alert.",
  config: {
    metrics: {
      type: "array",
      items: { type: "string" },
      default: [
        "DCGM_FI_DEV_GPU_UTIL",
        "kubernetes_io:container_accelerator_duty_cycle",
        "kubernetes.io/container/accelerator/duty_cycle",
        "kubernetes.io/node/accelerator/duty_cycle",
      ],
    },
  },
  validate: (args, report, config) => {
    const pools = args.resources.filter((r) => isGpuNodePool(r.type, r.props));
    if (!pools.length) return;
    const ruleAlerts = args.resources
      .filter((r) => RULE_TYPES.includes(r.type))
      .flatMap((r) => ((at(r.props, "spec.groups") ?? []) as Json[]).flatMap((g) => (g.rules ?? []) as Json[]))
      .filter((rule) => rule.alert && typeof rule.expr === "string" && firesWhenLow(rule.expr, config.metrics));
    const policies = args.resources
      .filter((r) => r.type === "gcp:monitoring/alertPolicy:AlertPolicy")
      .flatMap((r) => (r.props.conditions ?? []) as Json[])
      .filter((c) => {
        const query = c.conditionPrometheusQueryLanguage?.query;
        if (typeof query === "string") return firesWhenLow(query, config.metrics);
        const threshold = c.conditionThreshold;
        return (
          typeof threshold?.filter === "string" &&
          config.metrics.some((m) => threshold.filter.includes(m)) &&
          threshold.comparison === "COMPARISON_LT"
        );
      });
    if (!ruleAlerts.length && !policies.length) {
      report(
        `${pools.length} GPU node pool${pools.length > 1 ? "s" : ""} (${pools.map((p) => p.name).join(", ")}) and no alert on low GPU utilisation. ` +
          `Add one (the observability layer's GpuIdle alert does: a rule on ${config.metrics[0]} below a threshold for hours).`,
      );
    }
  },
});
