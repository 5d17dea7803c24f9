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
    labels: {
      type: "array",
      items: { type: "string" },
      default: ["env", "team", "cost-center", "managed-by", "component"],
    },
    values: { type: "object", additionalProperties: { type: "string" }, default: { "managed-by": "pulumi" } },
  },
  validate: (args, report, config) => {
    if (!args.type.startsWith("gcp:")) return;
    const field = LABEL_FIELDS[args.type] ?? GENERIC_LABEL_FIELDS.find((f) => args.props[f] !== undefined);
    if (!field) return;
    const labels = (at(args.props, field) ?? {}) as Record<string, unknown>;
    // GCP accepts an empty label value, but an empty owner or cost centre routes nothing: a required
    // label needs a value. Plans from other programs have not been through the stack schema.
    const missing = config.labels.filter((key) => labels[key] === undefined || labels[key] === null);
    if (missing.length)
      report(
        `${field} lacks ${missing.join(", ")}. Add them (the blueprint's labels helpers set all five from the stack config).`,
      );
    const empty = config.labels.filter(
      (key) => typeof labels[key] === "string" && (labels[key] as string).trim() === "",
    );
    if (empty.length)
      report(
        `${field} has ${empty.map((key) => `${key}=""`).join(", ")}: a required label needs a value. Set it in the stack config (team, costCenter) or the resource's labels.`,
      );
    for (const [key, expected] of Object.entries(config.values)) {
      if (labels[key] !== undefined && labels[key] !== expected)
        report(`${field}.${key} is "${String(labels[key])}"; it must be "${expected}".`);
    }
    const problems = labelSyntaxProblems(labels);
    if (problems.length)
      report(`${field}: ${problems.join("; ")}. Fix the values in the stack config (team, costCenter, labels).`);
  },
});
