import { z } from "zod";
import { OFFERED_DUAL_REGIONS } from "../../components/catalog/storage-locations";

/**
 * `storage.modelsReplication`: where the models bucket keeps its data. A dual-region keeps a copy in
 * a second region (the bucket survives a regional outage without a change of path); turbo
 * replication copies new objects within 15 minutes (rpo ASYNC_TURBO). The stack's region must be one
 * of the two (the GPU nodes read models from it). Checked against the stack's region in schema.ts
 * (bucketPlacement, components/catalog/storage-locations.ts). docs/resilience.md.
 */
export const modelsReplicationSchema = z.strictObject({
  dualRegion: z
    .union([z.enum([...OFFERED_DUAL_REGIONS, "auto"]), z.tuple([z.string(), z.string()])], {
      error: `a predefined dual-region (${OFFERED_DUAL_REGIONS.join(", ")}), auto (the one that holds the stack's region) or a list of two regions of one continent`,
    })
    .optional()
    .describe(
      `A predefined dual-region (${OFFERED_DUAL_REGIONS.join(", ")}), auto (the predefined dual-region that holds the stack's region: NAM4 for us-central1) or two regions of one continent (a configurable dual-region); absent: the stack's region only.`,
    ),
  turboReplication: z
    .boolean()
    .describe("Turbo replication (rpo ASYNC_TURBO: new objects in both regions within 15 minutes); dual-regions only."),
});
