import { PREDEFINED_DUAL_REGIONS } from "../../../components/catalog/gcp-api-rules-resilience";
import { MULTI_REGIONS } from "../../../components/catalog/storage-locations";
import { resourcePolicy } from "../../lib/policy";
import { at } from "../../lib/resources";

const BUCKET = "gcp:storage/bucket:Bucket";

/**
 * The models bucket (label `purpose: models`) keeps its data in two regions or more: a predefined
 * dual-region, a configurable dual-region (a multi-region with two customPlacementConfig.dataLocations)
 * or a multi-region. Cloud Storage, "Bucket locations" (cloud.google.com/storage/docs/locations): a
 * region's data is redundant across its zones only; dual- and multi-regions are redundant across
 * regions, with automated failover on a regional outage and no change of path. Serving cannot start a
 * model it cannot read. Meant for prod (storage.modelsReplication, docs/resilience.md).
 */
export const modelsReplicated = resourcePolicy({
  name: "cnai-models-replicated",
  description:
    "The models bucket is in a dual-region or multi-region, so a regional outage does not take every served model with it.",
  types: [BUCKET],
  validate: (args, report) => {
    if (at(args.props, "labels.purpose") !== "models") return;
    const location = String(args.props.location ?? "").toUpperCase();
    const dual = (PREDEFINED_DUAL_REGIONS as readonly string[]).includes(location);
    const multi = (MULTI_REGIONS as readonly string[]).includes(location);
    if (!dual && !multi)
      report(
        `the models bucket is in the single region ${location || "(no location)"}: a regional outage makes every model unreadable. Set storage.modelsReplication.dualRegion (a predefined dual-region such as NAM4, or two regions of one continent), ideally with turboReplication: true.`,
      );
  },
});
