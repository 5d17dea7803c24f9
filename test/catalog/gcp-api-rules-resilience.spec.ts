import * as assert from "node:assert";
import { windowHoursPer32Days } from "../../components/catalog/gcp-api-rules-resilience";
import { bucketPlacement, kmsLocationForBucket } from "../../components/catalog/storage-locations";
import { gcpApiRules } from "../../policies/governance/policies/gcp-api-rules";
import { messagesOf } from "../helpers/policy";

const CLUSTER = "gcp:container/cluster:Cluster";
const NODE_POOL = "gcp:container/nodePool:NodePool";

const cluster = (maintenancePolicy: Record<string, unknown>, channel = "STABLE") => ({
  type: CLUSTER,
  inputs: { releaseChannel: { channel }, maintenancePolicy },
});
const exclusion = (scope: string, startTime: string, endTime?: string, extra: Record<string, unknown> = {}) => ({
  exclusionName: "freeze",
  startTime,
  ...(endTime ? { endTime } : {}),
  exclusionOptions: { scope, ...extra },
});

describe("GKE maintenance, upgrade and backup API rules, bucket replication", () => {
  it("passes a weekend window, a NO_UPGRADES exclusion of 30 days and a minor freeze until end of support", async () => {
    assert.deepStrictEqual(
      await messagesOf(gcpApiRules, [
        cluster({
          recurringWindow: {
            startTime: "2026-01-03T01:00:00Z",
            endTime: "2026-01-03T09:00:00Z",
            recurrence: "FREQ=WEEKLY;BYDAY=SA,SU",
          },
          maintenanceExclusions: [
            exclusion("NO_UPGRADES", "2026-12-01T00:00:00Z", "2026-12-31T00:00:00Z"),
            exclusion("NO_MINOR_UPGRADES", "2026-12-01T00:00:00Z", undefined, {
              endTimeBehavior: "UNTIL_END_OF_SUPPORT",
            }),
          ],
        }),
        { type: NODE_POOL, inputs: { upgradeSettings: { strategy: "SURGE", maxSurge: 0, maxUnavailable: 1 } } },
      ]),
      [],
    );
  });

  it("refuses a NO_UPGRADES exclusion over 30 days, and minor-scope exclusions without a release channel", async () => {
    const [long] = await messagesOf(gcpApiRules, [
      cluster({ maintenanceExclusions: [exclusion("NO_UPGRADES", "2026-12-01T00:00:00Z", "2027-01-02T00:00:00Z")] }),
    ]);
    assert.match(long, /^gke-maintenance-exclusions: .*scope NO_UPGRADES lasts 32 days; GKE allows at most 30/);
    const [channel] = await messagesOf(gcpApiRules, [
      cluster(
        {
          maintenanceExclusions: [
            exclusion("NO_MINOR_OR_NODE_UPGRADES", "2026-12-01T00:00:00Z", "2027-01-02T00:00:00Z"),
          ],
        },
        "UNSPECIFIED",
      ),
    ]);
    assert.match(channel, /scope NO_MINOR_OR_NODE_UPGRADES needs the cluster on a release channel/);
    const [backwards] = await messagesOf(gcpApiRules, [
      cluster({ maintenanceExclusions: [exclusion("NO_UPGRADES", "2026-12-10T00:00:00Z", "2026-12-01T00:00:00Z")] }),
    ]);
    assert.match(backwards, /endTime 2026-12-01T00:00:00Z is not after startTime/);
  });

  it("counts a recurring window's hours in 32 days, only windows of 4 hours or more", async () => {
    const w = (start: string, end: string, recurrence: string) => ({ start, end, recurrence });
    // Four of each weekday fit in any 32 days.
    assert.strictEqual(
      windowHoursPer32Days(w("2026-01-03T01:00:00Z", "2026-01-03T09:00:00Z", "FREQ=WEEKLY;BYDAY=SA,SU")),
      64,
    );
    assert.strictEqual(windowHoursPer32Days(w("2026-01-03T01:00:00Z", "2026-01-03T05:00:00Z", "FREQ=DAILY")), 128);
    assert.strictEqual(windowHoursPer32Days(w("2026-01-03T01:00:00Z", "2026-01-03T04:00:00Z", "FREQ=DAILY")), 0);
    assert.strictEqual(
      windowHoursPer32Days(w("2026-01-03T01:00:00Z", "2026-01-03T04:00:00Z", "FREQ=MONTHLY")),
      undefined,
    );
    const [short] = await messagesOf(gcpApiRules, [
      cluster({
        recurringWindow: {
          startTime: "2026-01-04T01:00:00Z",
          endTime: "2026-01-04T11:00:00Z",
          recurrence: "FREQ=WEEKLY;BYDAY=SU",
        },
      }),
    ]);
    assert.match(short, /^gke-maintenance-window-availability: .*allows 40 hours in 32 days; GKE needs at least 48/);
  });

  it("refuses surge or blue-green settings on DWS pools, and surge settings that never upgrade a node", async () => {
    const [dws] = await messagesOf(gcpApiRules, [
      {
        type: NODE_POOL,
        inputs: {
          autoscaling: { totalMinNodeCount: 0, totalMaxNodeCount: 2, locationPolicy: "ANY" },
          initialNodeCount: 0,
          management: { autoRepair: false },
          nodeConfig: { flexStart: true, reservationAffinity: { consumeReservationType: "NO_RESERVATION" } },
          upgradeSettings: { strategy: "BLUE_GREEN" },
        },
      },
    ]);
    assert.match(
      dws,
      /^gke-node-pool-upgrade-settings: upgradeSettings.strategy BLUE_GREEN on a flex-start or queued-provisioning pool/,
    );
    const [stuck] = await messagesOf(gcpApiRules, [
      { type: NODE_POOL, inputs: { upgradeSettings: { strategy: "SURGE", maxSurge: 0, maxUnavailable: 0 } } },
    ]);
    assert.match(stuck, /maxSurge 0 and maxUnavailable 0, which can never upgrade a node/);
  });

  it("allows turbo replication on dual-region buckets only", async () => {
    const bucket = (inputs: Record<string, unknown>) => ({
      type: "gcp:storage/bucket:Bucket",
      inputs: { versioning: { enabled: true }, ...inputs },
    });
    assert.deepStrictEqual(
      await messagesOf(gcpApiRules, [
        bucket({ location: "NAM4", rpo: "ASYNC_TURBO" }),
        bucket({
          location: "US",
          rpo: "ASYNC_TURBO",
          customPlacementConfig: { dataLocations: ["US-CENTRAL1", "US-EAST1"] },
        }),
        bucket({ location: "us-central1", rpo: "DEFAULT" }),
      ]),
      [],
    );
    const [regional] = await messagesOf(gcpApiRules, [bucket({ location: "us-central1", rpo: "ASYNC_TURBO" })]);
    assert.match(
      regional,
      /^storage-turbo-replication-dual-region: rpo ASYNC_TURBO on a bucket in US-CENTRAL1, which is not a dual-region/,
    );
    const [multi] = await messagesOf(gcpApiRules, [bucket({ location: "US", rpo: "ASYNC_TURBO" })]);
    assert.match(multi, /bucket in US, which is not a dual-region/);
  });
});

describe("bucket placement and the Cloud KMS key location", () => {
  const bucket = (location: string, keyLocation: string) => ({
    type: "gcp:storage/bucket:Bucket",
    inputs: {
      location,
      versioning: { enabled: true },
      encryption: { defaultKmsKeyName: `projects/p/locations/${keyLocation}/keyRings/r/cryptoKeys/k` },
    },
  });

  it("accepts a key in the bucket's region, a predefined dual-region's KMS location, or the multi-region's", async () => {
    // Cloud KMS locations: nam4 and eur4 are dual-regional; us and europe the multi-regions of US and EU.
    assert.deepStrictEqual(
      await messagesOf(gcpApiRules, [
        bucket("us-central1", "us-central1"),
        bucket("NAM4", "nam4"),
        bucket("EUR4", "eur4"),
        bucket("US", "us"),
        bucket("EU", "europe"),
      ]),
      [],
    );
  });

  it("refuses a regional key on a dual-region bucket, and a global key", async () => {
    const [regional] = await messagesOf(gcpApiRules, [bucket("NAM4", "us-central1")]);
    assert.match(
      regional,
      /^storage-bucket-kms-key-location: encryption.defaultKmsKeyName is a key in us-central1, but the bucket is in NAM4: Cloud Storage takes only a key in nam4/,
    );
    // The API's own refusal: "Cloud KMS region 'global' not available for use with GCS region 'US'" (googleapis/google-cloud-go#1787).
    const [global] = await messagesOf(gcpApiRules, [bucket("US", "global")]);
    assert.match(global, /a key in global, but the bucket is in US: Cloud Storage takes only a key in us/);
  });

  it("resolves the models bucket placement from the config, or says why not", () => {
    assert.deepStrictEqual(bucketPlacement({ dualRegion: "NAM4", turboReplication: true }, "us-central1"), {
      placement: { location: "NAM4", rpo: "ASYNC_TURBO" },
    });
    assert.deepStrictEqual(bucketPlacement({ turboReplication: false }, "europe-west4"), {
      placement: { location: "EUROPE-WEST4" },
    });
    assert.deepStrictEqual(
      bucketPlacement({ dualRegion: ["europe-west4", "europe-west1"], turboReplication: false }, "europe-west4"),
      {
        placement: { location: "EU", dataLocations: ["EUROPE-WEST4", "EUROPE-WEST1"] },
      },
    );
    const problem = (r: ReturnType<typeof bucketPlacement>) => ("problem" in r ? r.problem : "");
    assert.match(
      problem(bucketPlacement({ dualRegion: "EUR4", turboReplication: true }, "us-central1")),
      /EUR4 is europe-north1 \+ europe-west4/,
    );
    assert.match(
      problem(bucketPlacement({ dualRegion: ["us-central1", "europe-west4"], turboReplication: false }, "us-central1")),
      /two regions of one continent/,
    );
    assert.match(
      problem(bucketPlacement({ turboReplication: true }, "us-central1")),
      /rpo ASYNC_TURBO is for dual-region buckets only/,
    );
    assert.strictEqual(kmsLocationForBucket("ASIA1"), "asia1");
    // auto: the predefined dual-region that holds the region (Bucket locations: EUR4 = Finland + Netherlands).
    assert.deepStrictEqual(bucketPlacement({ dualRegion: "auto", turboReplication: true }, "europe-north1"), {
      placement: { location: "EUR4", rpo: "ASYNC_TURBO" },
    });
    assert.match(
      problem(bucketPlacement({ dualRegion: "auto", turboReplication: true }, "us-west1")),
      /no predefined dual-region holds the stack's region us-west1/,
    );
  });
});
