import { valueAtPath } from "../json";
import type { GcpApiRule } from "./gcp-api-rules";

/**
 * Where a Cloud Storage bucket can keep its data across two regions, and where its Cloud KMS key
 * must then be.
 *
 * Cloud Storage, "Bucket locations" (cloud.google.com/storage/docs/locations):
 * - predefined dual-regions, by location code: NAM4 = US-CENTRAL1 (Iowa) + US-EAST1 (South Carolina),
 *   EUR4 = EUROPE-NORTH1 (Finland) + EUROPE-WEST4 (Netherlands), ASIA1 = ASIA-NORTHEAST1 (Tokyo) +
 *   ASIA-NORTHEAST2 (Osaka). (EUR5, EUR7 and EUR8 exist too; their regions are not tabulated here,
 *   so the config does not offer them.)
 * - configurable dual-regions: the bucket's location is the multi-region code of the continent (US,
 *   EU, ASIA) and customPlacementConfig.dataLocations names two regions of that continent.
 * - turbo replication (rpo ASYNC_TURBO) is for dual-regions only (rule storage-turbo-replication-dual-region).
 *
 * Cloud KMS locations (cloud.google.com/kms/docs/locations): the dual-regional locations nam4, eur4
 * and asia1 hold the same regions as the storage dual-regions of those names; the multi-regional
 * locations are us, europe and asia. Cloud Storage refuses a key in another location than the bucket's
 * ("Customer-managed encryption keys", cloud.google.com/storage/docs/encryption/customer-managed-keys:
 * the key must be in the bucket's location; the API's refusal reads "Cloud KMS region 'global' not
 * available for use with GCS region 'US'", googleapis/google-cloud-go#1787).
 */
export const PREDEFINED_DUAL_REGION_MEMBERS = {
  NAM4: ["us-central1", "us-east1"],
  EUR4: ["europe-north1", "europe-west4"],
  ASIA1: ["asia-northeast1", "asia-northeast2"],
} as const satisfies Record<string, readonly [string, string]>;
export type PredefinedDualRegion = keyof typeof PREDEFINED_DUAL_REGION_MEMBERS;
export const OFFERED_DUAL_REGIONS = ["NAM4", "EUR4", "ASIA1"] as const satisfies readonly PredefinedDualRegion[];

/** The multi-region code a configurable dual-region of regions with this prefix uses as its location. */
const CONTINENT_BY_PREFIX: ReadonlyArray<readonly [string, "US" | "EU" | "ASIA"]> = [
  ["us-", "US"],
  ["europe-", "EU"],
  ["asia-", "ASIA"],
];

/** Cloud Storage's multi-region location codes (also the location of configurable dual-regions). */
export const MULTI_REGIONS = ["US", "EU", "ASIA"] as const;

/** The Cloud KMS location that matches a bucket location (a region, a predefined dual-region or a multi-region). */
export const KMS_LOCATION_BY_MULTI_REGION: Readonly<Record<string, string>> = { US: "us", EU: "europe", ASIA: "asia" };

/** Where the models bucket lives: the Pulumi inputs `location`, `customPlacementConfig.dataLocations`, `rpo`. */
export interface BucketPlacement {
  readonly location: string;
  readonly dataLocations?: readonly [string, string];
  readonly rpo?: "DEFAULT" | "ASYNC_TURBO";
}

/** The predefined dual-region that holds this region, if any. */
export function predefinedDualRegionOf(region: string): PredefinedDualRegion | undefined {
  return OFFERED_DUAL_REGIONS.find((code) =>
    (PREDEFINED_DUAL_REGION_MEMBERS[code] as readonly string[]).includes(region),
  );
}

export interface ReplicationChoice {
  /**
   * A predefined dual-region code, `auto` (the predefined dual-region that holds the stack's
   * region), or two regions of one continent; absent: the stack's region.
   */
  readonly dualRegion?: PredefinedDualRegion | "auto" | readonly [string, string];
  readonly turboReplication: boolean;
}

/** The bucket placement for a choice, or what is wrong with it (for the config's error). */
export function bucketPlacement(
  choice: ReplicationChoice,
  stackRegion: string,
): { placement: BucketPlacement } | { problem: string } {
  const rpo = choice.turboReplication ? "ASYNC_TURBO" : undefined;
  if (choice.dualRegion === undefined) {
    if (choice.turboReplication)
      return {
        problem: `turboReplication with a dualRegion (${OFFERED_DUAL_REGIONS.join(", ")} or two regions of one continent): rpo ASYNC_TURBO is for dual-region buckets only`,
      };
    return { placement: { location: stackRegion.toUpperCase() } };
  }
  if (choice.dualRegion === "auto") {
    const code = predefinedDualRegionOf(stackRegion);
    if (!code)
      return {
        problem: `a dualRegion given explicitly: no predefined dual-region holds the stack's region ${stackRegion} (${OFFERED_DUAL_REGIONS.map((c) => `${c} = ${PREDEFINED_DUAL_REGION_MEMBERS[c].join(" + ")}`).join("; ")}). Give two regions of its continent, [${stackRegion}, <another region>], or drop dualRegion to keep the models in ${stackRegion} alone`,
      };
    return bucketPlacement({ ...choice, dualRegion: code }, stackRegion);
  }
  if (typeof choice.dualRegion === "string") {
    const members: readonly string[] = PREDEFINED_DUAL_REGION_MEMBERS[choice.dualRegion];
    if (!members.includes(stackRegion))
      return {
        problem: `a dual-region that includes the stack's region ${stackRegion} (${choice.dualRegion} is ${members.join(" + ")}: the GPU nodes would read every model from another region)`,
      };
    return { placement: { location: choice.dualRegion, ...(rpo ? { rpo } : {}) } };
  }
  const [a, b] = choice.dualRegion;
  if (a === b) return { problem: `two different regions (both are ${a})` };
  const continentOf = (region: string) => CONTINENT_BY_PREFIX.find(([prefix]) => region.startsWith(prefix))?.[1];
  const [ca, cb] = [continentOf(a), continentOf(b)];
  if (!ca || !cb || ca !== cb)
    return {
      problem: `two regions of one continent (both us-*, both europe-* or both asia-*): a configurable dual-region pairs regions within one multi-region (US, EU, ASIA); got ${a} and ${b}`,
    };
  if (a !== stackRegion && b !== stackRegion)
    return {
      problem: `a pair that includes the stack's region ${stackRegion} (the GPU nodes read models from it; got ${a} and ${b})`,
    };
  return { placement: { location: ca, dataLocations: [a.toUpperCase(), b.toUpperCase()], ...(rpo ? { rpo } : {}) } };
}

/** The Cloud KMS location a key for a bucket in this location must be in. */
export function kmsLocationForBucket(location: string): string {
  const upper = location.toUpperCase();
  return KMS_LOCATION_BY_MULTI_REGION[upper] ?? location.toLowerCase();
}

export interface BucketKeyFacts {
  readonly location: string;
  readonly keyLocation: string;
}

export const BUCKET_KMS_KEY_LOCATION: GcpApiRule<BucketKeyFacts> = {
  id: "storage-bucket-kms-key-location",
  resourceType: "gcp:storage/bucket:Bucket",
  rule: "A bucket's default Cloud KMS key is in the bucket's location: the same region, the Cloud KMS dual-region of a predefined dual-region (NAM4 -> nam4), or the multi-region of a multi-region or configurable dual-region (US -> us, EU -> europe, ASIA -> asia).",
  source:
    'Cloud Storage, "Customer-managed encryption keys" (cloud.google.com/storage/docs/encryption/customer-managed-keys): the key ' +
    'must be in the same location as the bucket; Cloud KMS locations (cloud.google.com/kms/docs/locations); the API refuses others ("Cloud ' +
    "KMS region 'global' not available for use with GCS region 'US'\", googleapis/google-cloud-go#1787); terraform-provider-google " +
    "v7.45.0 storage_bucket encryption.default_kms_key_name has no location check",
  read: (props) => {
    const key = valueAtPath(props, "encryption.defaultKmsKeyName");
    const match = typeof key === "string" ? /\/locations\/([^/]+)\//.exec(key) : null;
    const location = valueAtPath(props, "location");
    return match && typeof location === "string" ? { location, keyLocation: match[1] } : undefined;
  },
  check: ({ location, keyLocation }) => {
    const want = kmsLocationForBucket(location);
    return keyLocation === want
      ? undefined
      : `encryption.defaultKmsKeyName is a key in ${keyLocation}, but the bucket is in ${location.toUpperCase()}: Cloud Storage takes only a key in ${want}. Create the key ring in ${want}`;
  },
};
