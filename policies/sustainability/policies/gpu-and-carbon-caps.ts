import { estimatePlan } from "../../lib/estimate";
import { stackPolicy } from "../../lib/policy";

export interface CapsConfig {
  maxGpus?: number;
  maxCo2eKgPerMonth?: number;
  pue?: number;
  prices?: Record<string, { onDemand: number; spot: number }>;
}

/** Settings of this policy that the plan's cost and carbon estimate reads too (one source of truth). */
export const CAPS_POLICY = "cnai-gpu-and-carbon-caps";

export const gpuAndCarbonCaps = stackPolicy<CapsConfig>({
  name: CAPS_POLICY,
  description:
    "A stack's GPU count and estimated monthly CO2e at full scale stay within the caps its policy config sets: " +
    "a cap turns a budget for capacity and emissions into a check on every change, instead of a surprise on the bill.",
  config: {
    maxGpus: {
      type: "integer",
      minimum: 0,
      description: "Most GPUs the stack may reach with every pool at its maximum.",
    },
    maxCo2eKgPerMonth: {
      type: "number",
      minimum: 0,
      description: "Most estimated location-based CO2e per month, kg, at maximum.",
    },
    pue: {
      type: "number",
      minimum: 1,
      maximum: 3,
      description: "Data-centre PUE for the estimate (default 1.09, Google's fleet average).",
    },
    prices: {
      type: "object",
      description: "Hourly USD prices by machine type, replacing the built-in table (components/catalog/prices.ts).",
      additionalProperties: {
        type: "object",
        additionalProperties: false,
        required: ["onDemand", "spot"],
        properties: { onDemand: { type: "number", minimum: 0 }, spot: { type: "number", minimum: 0 } },
      },
    },
  },
  validate: (args, report, config) => {
    const estimate = estimatePlan(
      args.resources.map((r) => ({ urn: r.urn, type: r.type, props: r.props })),
      { pue: config.pue, prices: config.prices },
    );
    if (config.maxGpus !== undefined && estimate.gpus.max > config.maxGpus) {
      report(
        `At maximum scale the stack reaches ${estimate.gpus.max} GPUs; the cap is ${config.maxGpus}. ` +
          `Lower the pools' autoscaling.max (largest: ${largest(estimate.lines)}), or raise maxGpus in the policy config with the budget owner's approval.`,
      );
    }
    if (config.maxCo2eKgPerMonth !== undefined && estimate.co2eKgPerMonth.max > config.maxCo2eKgPerMonth) {
      report(
        `At maximum scale the stack's estimated emissions are ${estimate.co2eKgPerMonth.max} kg CO2e a month; the cap is ${config.maxCo2eKgPerMonth}. ` +
          `Lower the pools' maximum, move shiftable pools to a low-carbon region, or raise maxCo2eKgPerMonth with approval.`,
      );
    }
  },
});

function largest(lines: ReturnType<typeof estimatePlan>["lines"]): string {
  const top = [...lines].sort((a, b) => b.gpus.max - a.gpus.max)[0];
  return top ? `${top.urn.split("::").pop()} with ${top.gpus.max} GPUs` : "none";
}
