import { LABEL_FIELDS } from "../../../components/catalog/label-fields";
import { labelSyntaxProblems } from "../../lib/label-syntax";
import { resourcePolicy } from "../../lib/policy";
import { at } from "../../lib/resources";

/** Where a GCP type the label table does not know keeps its labels, if it has them. */
const GENERIC_LABEL_FIELDS = ["labels", "userLabels", "resourceLabels"];

export interface RequiredLabelsConfig {
  labels: string[];
  /** Labels whose value is fixed (`managed-by: pulumi`). */
  values: Record<string, string>;
}

export const requiredLabels = resourcePolicy<RequiredLabelsConfig>({
  name: "cnai-required-labels",
  description:
    "GCP resources carry the governance labels (env, team, cost-center, managed-by, component) in valid GCP label syntax: " +
    "they route cost in the billing export to a team and cost centre, and tell operators who owns a resource and what manages it.",
  config: {
    labels: { type: "array", items: { type: "string" }, default: ["env", "team", "cost-center", "managed-by", "component"] },
    values: { type: "object", additionalProperties: { type: "string" }, default: { "managed-by": "pulumi" } },
  },
  validate: (args, report, config) => {
    if (!args.type.startsWith("gcp:")) return;
    const field = LABEL_FIELDS[args.type] ?? GENERIC_LABEL_FIELDS.find((f) => args.props[f] !== undefined);
    if (!field) return;
    const labels = (at(args.props, field) ?? {}) as Record<string, unknown>;
    const missing = config.labels.filter((key) => labels[key] === undefined || labels[key] === "");
    if (missing.length) report(`${field} lacks ${missing.join(", ")}. Add them (the blueprint's labels helpers set all five from the stack config).`);
    for (const [key, expected] of Object.entries(config.values)) {
      if (labels[key] !== undefined && labels[key] !== expected) report(`${field}.${key} is "${String(labels[key])}"; it must be "${expected}".`);
    }
    const problems = labelSyntaxProblems(labels);
    if (problems.length) report(`${field}: ${problems.join("; ")}. Fix the values in the stack config (team, costCenter, labels).`);
  },
});
