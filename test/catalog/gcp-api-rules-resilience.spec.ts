import * as assert from "node:assert";
import { windowHoursPer32Days } from "../../components/catalog/gcp-api-rules-resilience";
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
