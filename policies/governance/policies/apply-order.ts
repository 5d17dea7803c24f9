import type { Json } from "../../../components/json";
import { applyOrderFindings } from "../../lib/analysis/apply-order/checks";
import { nodesFromPolicyResources } from "../../lib/analysis/apply-order/graph";
import { stackPolicy } from "../../lib/policy";

/**
 * Reads only what CrossGuard gives a stack policy: each resource's type, props, URN, parent,
 * dependencies and propertyDependencies (pulumi-policy server.js, validateStack), never options
 * such as retainOnDelete that the CLI does not pass. The prerequisites and their sources are the
 * table in components/catalog/apply-prerequisites.ts; the graph walk is
 * policies/lib/analysis/apply-order. Mandatory in every stack: an order defect breaks the first
 * `pulumi up` of a new project whatever the environment.
 */
export const applyOrder = stackPolicy<object>({
  name: "cnai-apply-order",
  description:
    "Every resource is created after what it needs: the Google APIs it calls (client-based ones in its quota project), the GKE cluster whose identity " +
    "pool a Workload Identity grant names, the KMS grant to the service agent that encrypts its data, the service networking connection of a private-IP " +
    "database, the bucket grant a Cloud Run volume reads with (and content for a deploy that starts a container), the grant a Pub/Sub BigQuery " +
    "subscription writes with, the Namespace and the charts (CRDs, webhooks) a Kubernetes object needs, the firewall rule that lets a private " +
    "cluster's control plane reach a chart's webhooks. Later runs hide a missing order; the first `pulumi up` in a new project fails on it.",
  validate: (args, report) => {
    for (const finding of applyOrderFindings(nodesFromPolicyResources(args.resources as Json)))
      report(finding.message, finding.urn);
  },
});
