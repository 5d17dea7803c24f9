import type * as pulumi from "@pulumi/pulumi";
import type { BucketPlacement } from "../../components/catalog/storage-locations";
import { bucketPlacement, kmsLocationForBucket } from "../../components/catalog/storage-locations";
import { CMEK_CLASSIFICATIONS } from "../../components/labels";
import { storageServiceAgent } from "../../components/project/service-agents";
import { KmsKey } from "../../components/security/kms-key";
import type { LayerContext } from "./context";

/**
 * The models bucket's location and replication from `storage.modelsReplication`, and, when the
 * bucket is encrypted with a customer-managed key and sits elsewhere than the stack's region, a key
 * of its own in the matching Cloud KMS location (a key in us-central1 cannot encrypt a bucket in
 * NAM4: rule storage-bucket-kms-key-location, components/catalog/storage-locations.ts).
 */
export function modelsPlacement(
  ctx: LayerContext,
  opts: pulumi.CustomResourceOptions,
): { placement: BucketPlacement; kmsKeyName?: pulumi.Output<string>; key?: KmsKey } {
  const { settings, project, region, prefix, labels, protect } = ctx;
  const resolved = bucketPlacement(settings.storage.modelsReplication, region);
  // The config's cross-field rules refuse a bad choice before the program runs.
  if ("problem" in resolved) throw new Error(`storage.modelsReplication: ${resolved.problem}`);
  const { placement } = resolved;
  const encrypted =
    settings.encryption.customerManagedKeys || CMEK_CLASSIFICATIONS.includes(settings.storage.classifications.models);
  const keyLocation = kmsLocationForBucket(placement.location);
  if (!encrypted || keyLocation === region) return { placement };
  const key = new KmsKey(
    "models-data",
    {
      project,
      location: keyLocation,
      prefix,
      labels,
      purpose: "models",
      rotationDays: settings.encryption.keyRotationDays,
      encrypterDecrypters: [storageServiceAgent(project)],
      protect,
    },
    opts,
  );
  return { placement, kmsKeyName: key.keyId, key };
}
