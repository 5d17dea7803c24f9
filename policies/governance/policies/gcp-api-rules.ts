import { apiRuleProblems, GCP_API_RULES } from "../../../components/catalog/gcp-api-rules";
import { resourcePolicy } from "../../lib/policy";

/**
 * The cross-field rules of Google's APIs in components/catalog/gcp-api-rules.ts, for plans of any
 * program (this blueprint checks them already in its config and components, with the same code).
 * The provider sends these combinations to the API unchecked; the API refuses them during
 * `pulumi up`, or accepts them and the resource never works.
 */
export const gcpApiRules = resourcePolicy<object>({
  name: "cnai-gcp-api-rules",
  description:
    "Resources respect the cross-field rules of Google's APIs that the provider does not check before calling them (retention policy with object " +
    "versioning, flex-start and queued provisioning settings, reservations with compact placement, retired vulnerability scanning, Cloud Run GPU " +
    "minimums and probe limits, budget filters): the plan passes, and `pulumi up` fails or the resource never runs.",
  types: [...new Set(GCP_API_RULES.map((rule) => rule.resourceType))],
  validate: (args, report) => {
    for (const problem of apiRuleProblems(args.type, args.props)) {
      report(`${problem.rule.id}: ${problem.message} (source: ${problem.rule.source}).`);
    }
  },
});
