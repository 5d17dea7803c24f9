import * as assert from "node:assert";
import { traceSamplingBounded } from "../../../policies/governance/policies/trace-sampling-bounded";
import { messagesOf } from "../../helpers/policy";

const collector = (processors: string[], percent?: number) => ({
  type: "kubernetes:opentelemetry.io/v1beta1:OpenTelemetryCollector",
  inputs: {
    spec: {
      config: {
        processors:
          percent === undefined
            ? { batch: {} }
            : { batch: {}, probabilistic_sampler: { sampling_percentage: percent } },
        service: { pipelines: { traces: { receivers: ["otlp"], processors, exporters: ["googlecloud"] } } },
      },
    },
  },
});

describe("policy cnai-trace-sampling-bounded", () => {
  it("passes a trace pipeline sampling at or below the ceiling", async () => {
    const resources = [collector(["probabilistic_sampler", "batch"], 5), collector(["probabilistic_sampler"], 10)];
    assert.deepStrictEqual(await messagesOf(traceSamplingBounded, resources, { maxPercent: 10 }), []);
  });

  it("refuses a pipeline above the ceiling, or one that keeps every trace", async () => {
    const messages = await messagesOf(
      traceSamplingBounded,
      [collector(["probabilistic_sampler", "batch"], 100), collector(["batch"])],
      { maxPercent: 10 },
    );
    assert.deepStrictEqual(messages, [
      "pipeline traces: probabilistic_sampler keeps 100% of traces, above the ceiling of 10%. Lower tracing.samplingRatio, or raise maxPercent in the policy config.",
      "pipeline traces keeps every trace: it has no probabilistic_sampler processor. Add one with sampling_percentage at most 10.",
    ]);
  });

  // OpenTelemetry Collector: a pipeline ID is <signal>[/<name>], a component ID <type>[/<name>]; only trace
  // pipelines are sampled. The probabilistic_sampler's sampling_percentage defaults to 0 (collector-contrib
  // probabilisticsamplerprocessor testdata config.yaml: "Defaults to zero, i.e.: no sample").
  it("checks named trace pipelines and named samplers, and ignores metrics and logs pipelines", async () => {
    const otel = {
      type: "kubernetes:opentelemetry.io/v1beta1:OpenTelemetryCollector",
      inputs: {
        spec: {
          config: {
            processors: {
              batch: {},
              "probabilistic_sampler/low": { sampling_percentage: 50 },
              probabilistic_sampler: null,
            },
            service: {
              pipelines: {
                metrics: { receivers: ["otlp"], processors: ["batch"], exporters: ["googlecloud"] },
                "logs/app": { receivers: ["otlp"], processors: ["batch"], exporters: ["googlecloud"] },
                "traces/unsampled": { receivers: ["otlp"], processors: ["batch"], exporters: ["googlecloud"] },
                "traces/low": {
                  receivers: ["otlp"],
                  processors: ["probabilistic_sampler/low"],
                  exporters: ["googlecloud"],
                },
                "traces/default": {
                  receivers: ["otlp"],
                  processors: ["probabilistic_sampler"],
                  exporters: ["googlecloud"],
                },
                "mytraces/x": { receivers: ["otlp"], processors: ["batch"], exporters: ["googlecloud"] },
              },
            },
          },
        },
      },
    };
    assert.deepStrictEqual(await messagesOf(traceSamplingBounded, [otel], { maxPercent: 10 }), [
      "pipeline traces/unsampled keeps every trace: it has no probabilistic_sampler processor. Add one with sampling_percentage at most 10.",
      "pipeline traces/low: probabilistic_sampler/low keeps 50% of traces, above the ceiling of 10%. Lower tracing.samplingRatio, or raise maxPercent in the policy config.",
    ]);
  });
});
