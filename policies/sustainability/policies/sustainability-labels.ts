import { COMPUTE_TYPES, LABEL_FIELDS } from "../../../components/catalog/label-fields";
import { carbonTier, isRegion, REGIONS, regionCarbon } from "../../../components/catalog/regions";
import { resourcePolicy } from "../../lib/policy";
import { at, gcpLabels, isKubernetes, k8sLabels, kindOf, regionOfLocation } from "../../lib/resources";
import { CARBON_TIERS, type Labels, SHIFTABLE_VALUES, WORKLOAD_TYPES } from "../lib/workload";

export interface SustainabilityLabelsConfig {
  /** Kinds of Kubernetes training and serving custom resources that carry the `cnai.dev/` labels. */
  kinds: string[];
  /** The stack's region: Kubernetes objects carry no region, so their carbon-tier is checked against it. */
  region?: string;
}

export const K8S_PREFIX = "cnai.dev/";

/** Training and serving custom resources: Kubeflow Trainer and Training Operator, JobSet, KubeRay, KServe. */
export const DEFAULT_KINDS = [
  "TrainJob",
  "PyTorchJob",
  "TFJob",
  "MPIJob",
  "JAXJob",
  "XGBoostJob",
  "PaddleJob",
  "JobSet",
  "RayJob",
  "RayCluster",
  "RayService",
  "InferenceService",
  "LLMInferenceService",
];

const ALLOWED: ReadonlyArray<[string, readonly string[]]> = [
  ["workload-type", WORKLOAD_TYPES],
  ["shiftable", SHIFTABLE_VALUES],
  ["carbon-tier", CARBON_TIERS],
];

export const sustainabilityLabels = resourcePolicy<SustainabilityLabelsConfig>({
  name: "cnai-sustainability-labels",
  description:
    "Compute (clusters, node pools, Cloud Run services) and training and serving custom resources carry workload-type, shiftable " +
    "and carbon-tier, with carbon-tier matching the region's carbon data: the labels flow into the billing export, so cost and " +
    "emissions can be reported per workload, and they tell schedulers and reviewers which work could move to cleaner hours or regions.",
  config: {
    kinds: {
      type: "array",
      items: { type: "string" },
      default: DEFAULT_KINDS,
      description: "Kubernetes kinds that carry the cnai.dev/ sustainability labels.",
    },
    region: {
      type: "string",
      enum: [...REGIONS],
      description: "The stack's region, to check the carbon-tier of Kubernetes objects (which carry no region).",
    },
  },
  validate: (args, report, config) => {
    if (COMPUTE_TYPES.includes(args.type)) {
      const field = LABEL_FIELDS[args.type] ?? "labels";
      const labels: Labels = gcpLabels(args.type, args.props) ?? {};
      const region = regionOfLocation(at(args.props, "location"));
      for (const problem of labelProblems(labels, "", field))
        report(
          `${problem} Set the pool's or service's workloadType and shiftable in the stack config; the blueprint's computeLabels helper writes all three.`,
        );
      checkTier(labels, "", field, region, `location ${String(at(args.props, "location"))}`, report);
    } else if (isKubernetes(args.type) && config.kinds.includes(kindOf(args.type))) {
      const labels: Labels = k8sLabels(args.props);
      for (const problem of labelProblems(labels, K8S_PREFIX, "metadata.labels"))
        report(`${problem} The blueprint's kubernetesSustainabilityLabels helper writes all three.`);
      if (config.region)
        checkTier(
          labels,
          K8S_PREFIX,
          "metadata.labels",
          config.region,
          `the stack's region ${config.region} (policy config)`,
          report,
        );
    }
  },
});

/** Missing or invalid sustainability labels, one sentence each. */
function labelProblems(labels: Labels, prefix: string, field: string): string[] {
  const missing = ALLOWED.filter(([key]) => labels[prefix + key] === undefined || labels[prefix + key] === "").map(
    ([key]) => prefix + key,
  );
  const problems = missing.length ? [`${field} lacks ${missing.join(", ")}.`] : [];
  for (const [key, allowed] of ALLOWED) {
    const value = labels[prefix + key];
    if (value !== undefined && value !== "" && !allowed.includes(String(value)))
      problems.push(`${field}.${prefix}${key} is "${String(value)}"; allowed: ${allowed.join(", ")}.`);
  }
  return problems;
}

/** carbon-tier against the region's tier (components/catalog/regions.ts). */
function checkTier(
  labels: Labels,
  prefix: string,
  field: string,
  region: string | undefined,
  where: string,
  report: (message: string) => void,
): void {
  const tier = labels[`${prefix}carbon-tier`];
  if (tier === undefined || tier === "" || !CARBON_TIERS.includes(String(tier) as never)) return;
  if (!region || !isRegion(region)) {
    report(
      `${field}.${prefix}carbon-tier is "${String(tier)}", but ${where} is not a region with carbon data, so the tier cannot be checked. Use a Google Cloud region, or add the region's data to components/catalog/region-carbon.ts.`,
    );
    return;
  }
  const expected = carbonTier(region);
  if (tier !== expected) {
    const data = regionCarbon(region);
    report(
      `${field}.${prefix}carbon-tier is "${String(tier)}", but ${where} is "${expected}" (${region}: ${Math.round(data.cfe * 100)} % carbon-free energy, ${data.gridGco2PerKwh} gCO2eq/kWh). ` +
        `Set it to "${expected}": derive it with carbonTier(region) instead of writing it by hand.`,
    );
  }
}
