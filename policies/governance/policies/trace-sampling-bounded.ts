import { resourcePolicy } from "../../lib/policy";
import { at } from "../../lib/resources";

export interface TraceSamplingConfig {
  /** Most traces kept, percent. */
  maxPercent: number;
}

const COLLECTOR = "kubernetes:opentelemetry.io/v1beta1:OpenTelemetryCollector";

/**
 * The collector's trace pipelines sample: each has a `probabilistic_sampler` processor
 * (opentelemetry-collector-contrib processor/probabilisticsamplerprocessor, `sampling_percentage`)
 * at or below the ceiling. Cloud Trace bills per span ingested, and a busy model gateway emits
 * spans for every request.
 */
export const traceSamplingBounded = resourcePolicy<TraceSamplingConfig>({
  name: "cnai-trace-sampling-bounded",
  description:
    "Trace pipelines keep at most the configured share of traces (a probabilistic sampler in the collector): Cloud Trace bills per span, and production traffic would otherwise be traced in full.",
  config: { maxPercent: { type: "number", minimum: 0, maximum: 100, default: 100 } },
  types: [COLLECTOR],
  validate: (args, report, config) => {
    const pipelines = (at(args.props, "spec.config.service.pipelines") ?? {}) as Record<
      string,
      { processors?: string[] }
    >;
    const processors = (at(args.props, "spec.config.processors") ?? {}) as Record<string, Record<string, unknown>>;
    for (const [name, pipeline] of Object.entries(pipelines)) {
      if (name !== "traces" && !name.startsWith("traces/")) continue;
      const samplers = (pipeline.processors ?? []).filter(
        (p) => p === "probabilistic_sampler" || p.startsWith("probabilistic_sampler/"),
      );
      if (!samplers.length) {
        report(
          `pipeline ${name} keeps every trace: it has no probabilistic_sampler processor. Add one with sampling_percentage at most ${config.maxPercent}.`,
        );
        continue;
      }
      for (const sampler of samplers) {
        const percent = Number(processors[sampler]?.sampling_percentage ?? 0);
        if (!(percent <= config.maxPercent)) {
          report(
            `pipeline ${name}: ${sampler} keeps ${percent}% of traces, above the ceiling of ${config.maxPercent}%. Lower tracing.samplingRatio, or raise maxPercent in the policy config.`,
          );
        }
      }
    }
  },
});
