import * as assert from "node:assert";
import {
  GkeCluster,
  type GkeClusterArgs,
  resolveGkeClusterArgs,
  SYSTEM_MONITORING_COMPONENTS,
} from "../../components/compute/gke-cluster";
import type { ProgramError } from "../../scripts/lib/engine";
import { SECRET, UNKNOWN } from "../../scripts/lib/wire-values";
import { all, input, one, run, STACK_LABELS } from "../helpers/run";

const CLUSTER = "gcp:container/cluster:Cluster";
const NODE_POOL = "gcp:container/nodePool:NodePool";

function args(overrides: Partial<GkeClusterArgs> = {}): GkeClusterArgs {
  return {
    project: "acme-test",
    region: "us-central1",
    prefix: "cnai-test",
    labels: STACK_LABELS,
    zones: ["us-central1-a", "us-central1-b", "us-central1-c"],
    network: {
      network: "projects/acme-test/global/networks/vpc",
      subnetwork: "projects/acme-test/regions/us-central1/subnetworks/gke",
      masterCidr: "172.16.0.0/28",
    },
    ...overrides,
  };
}

async function cluster(overrides: Partial<GkeClusterArgs> = {}, preview = false) {
  return run(() => new GkeCluster("gke", args(overrides)), { preview });
}

describe("GkeCluster", () => {
  describe("defaults", () => {
    it("is regional with nodes in the given zones, the default pool removed", async () => {
      const c = one(await cluster(), CLUSTER);
      assert.strictEqual(input(c, "location"), "us-central1");
      assert.deepStrictEqual(input(c, "nodeLocations"), ["us-central1-a", "us-central1-b", "us-central1-c"]);
      assert.strictEqual(input(c, "removeDefaultNodePool"), true);
      assert.strictEqual(input(c, "name"), "cnai-test-gke");
    });

    it("has private nodes, a public endpoint restricted by IAM, no DNS endpoint from outside, no authorized networks", async () => {
      const c = one(await cluster(), CLUSTER);
      assert.deepStrictEqual(input(c, "privateClusterConfig"), {
        enablePrivateNodes: true,
        enablePrivateEndpoint: false,
        masterIpv4CidrBlock: "172.16.0.0/28",
        masterGlobalAccessConfig: { enabled: true },
      });
      assert.deepStrictEqual(input(c, "controlPlaneEndpointsConfig"), {
        dnsEndpointConfig: { allowExternalTraffic: false },
      });
      assert.strictEqual(input(c, "masterAuthorizedNetworksConfig"), undefined);
    });

    it("hardens the control plane: REGULAR channel, Workload Identity, shielded nodes, Dataplane V2, no ABAC, no client certificate", async () => {
      const c = one(await cluster(), CLUSTER);
      assert.deepStrictEqual(input(c, "releaseChannel"), { channel: "REGULAR" });
      assert.deepStrictEqual(input(c, "workloadIdentityConfig"), { workloadPool: "acme-test.svc.id.goog" });
      assert.strictEqual(input(c, "enableShieldedNodes"), true);
      assert.strictEqual(input(c, "datapathProvider"), "ADVANCED_DATAPATH");
      assert.strictEqual(input(c, "enableLegacyAbac"), false);
      assert.deepStrictEqual(input(c, "masterAuth"), { clientCertificateConfig: { issueClientCertificate: false } });
      // GKE refuses VULNERABILITY_BASIC since the standard tier was shut down on 2025-07-31 (GKE deprecation notice).
      assert.deepStrictEqual(input(c, "securityPostureConfig"), {
        mode: "BASIC",
        vulnerabilityMode: "VULNERABILITY_DISABLED",
      });
    });

    it("takes Advanced Vulnerability Insights (GKE Enterprise) when asked", async () => {
      const c = one(await cluster({ vulnerabilityScanning: "enterprise" }), CLUSTER);
      assert.deepStrictEqual(input(c, "securityPostureConfig"), {
        mode: "BASIC",
        vulnerabilityMode: "VULNERABILITY_ENTERPRISE",
      });
    });

    it("grants the node service account Service Usage Consumer on the project, which image streaming with a custom node account needs", async () => {
      const result = await cluster();
      const grant = one(result, "gcp:projects/iAMMember:IAMMember", "gke-nodes-image-streaming");
      assert.deepStrictEqual(
        [input(grant, "project"), input(grant, "role"), input(grant, "member")],
        [
          "acme-test",
          "roles/serviceusage.serviceUsageConsumer",
          "serviceAccount:cnai-test-gke-nodes@acme-test.iam.gserviceaccount.com",
        ],
      );
      assert.strictEqual(
        all(await cluster({ imageStreaming: false }), "gcp:projects/iAMMember:IAMMember").length,
        1,
        "only the default node role without image streaming",
      );
    });

    it("protects against deletion and keeps Google-managed etcd encryption unless given a key", async () => {
      const c = one(await cluster(), CLUSTER);
      assert.strictEqual(input(c, "deletionProtection"), true);
      assert.deepStrictEqual(input(c, "databaseEncryption"), { state: "DECRYPTED" });
    });

    it("turns on Managed Prometheus, GCS FUSE CSI, cost allocation, the BALANCED autoscaler and a 03:00 UTC window", async () => {
      const c = one(await cluster(), CLUSTER);
      assert.deepStrictEqual(input(c, "monitoringConfig"), {
        enableComponents: [...SYSTEM_MONITORING_COMPONENTS],
        managedPrometheus: { enabled: true },
      });
      assert.deepStrictEqual(input(c, "addonsConfig.gcsFuseCsiDriverConfig"), { enabled: true });
      assert.deepStrictEqual(input(c, "costManagementConfig"), { enabled: true });
      assert.deepStrictEqual(input(c, "clusterAutoscaling"), { autoscalingProfile: "BALANCED" });
      assert.deepStrictEqual(input(c, "maintenancePolicy"), { dailyMaintenanceWindow: { startTime: "03:00" } });
    });

    it("labels the cluster as platform compute, not shiftable, with the region's carbon tier", async () => {
      const c = one(await cluster(), CLUSTER);
      assert.deepStrictEqual(input(c, "resourceLabels"), {
        env: "test",
        team: "ml-platform",
        "cost-center": "cc-1",
        "managed-by": "pulumi",
        component: "gke-cluster",
        "workload-type": "platform",
        shiftable: "false",
        "carbon-tier": "low",
      });
    });

    it("gives nodes a dedicated service account with the default node role (and, for image streaming, Service Usage Consumer)", async () => {
      const result = await cluster();
      const sa = one(result, "gcp:serviceaccount/account:Account");
      assert.strictEqual(input(sa, "accountId"), "cnai-test-gke-nodes");
      const role = one(result, "gcp:projects/iAMMember:IAMMember", "gke-nodes-default-role");
      assert.strictEqual(input(role, "role"), "roles/container.defaultNodeServiceAccount");
      assert.strictEqual(input(role, "member"), "serviceAccount:cnai-test-gke-nodes@acme-test.iam.gserviceaccount.com");
      const c = one(result, CLUSTER);
      assert.strictEqual(
        input(c, "nodeConfig.serviceAccount"),
        "cnai-test-gke-nodes@acme-test.iam.gserviceaccount.com",
      );
      assert.ok(c.options.dependsOn.includes(role.urn), "the cluster waits for the node role");
      assert.deepStrictEqual(c.options.ignoreChanges, ["nodeConfig", "initialNodeCount"]);
    });

    it("runs a small hardened system pool: e2-standard-4, 1 to 3 nodes, on demand, 100 GB", async () => {
      const pool = one(await cluster(), NODE_POOL);
      assert.strictEqual(input(pool, "name"), "system");
      assert.deepStrictEqual(input(pool, "autoscaling"), {
        totalMinNodeCount: 1,
        totalMaxNodeCount: 3,
        locationPolicy: "BALANCED",
      });
      assert.strictEqual(input(pool, "nodeConfig.machineType"), "e2-standard-4");
      assert.strictEqual(input(pool, "nodeConfig.spot"), false);
      assert.strictEqual(input(pool, "nodeConfig.diskSizeGb"), 100);
      assert.deepStrictEqual(input(pool, "nodeConfig.workloadMetadataConfig"), { mode: "GKE_METADATA" });
      assert.deepStrictEqual(input(pool, "nodeConfig.shieldedInstanceConfig"), {
        enableSecureBoot: true,
        enableIntegrityMonitoring: true,
      });
      assert.deepStrictEqual(input(pool, "management"), { autoRepair: true, autoUpgrade: true });
    });

    it("exports a secret kubeconfig that authenticates with gke-gcloud-auth-plugin", async () => {
      const result = await run(() => {
        const c = new GkeCluster("gke", args());
        return { kubeconfig: c.kubeconfig, endpoint: c.endpoint, plain: c.kubeconfig.apply((k) => k) };
      });
      assert.strictEqual(result.outputs.kubeconfig, SECRET);
      assert.strictEqual(result.outputs.plain, SECRET, "secrecy survives apply");
      assert.match(String(result.outputs.endpoint), /^34\.\d+\.\d+\.\d+$/);
    });
  });

  describe("options", () => {
    it("zonal: the control plane in the first zone, nodes in the others", async () => {
      const c = one(await cluster({ locationType: "zonal" }), CLUSTER);
      assert.strictEqual(input(c, "location"), "us-central1-a");
      assert.deepStrictEqual(input(c, "nodeLocations"), ["us-central1-b", "us-central1-c"]);
      const single = one(await cluster({ locationType: "zonal", zones: ["us-central1-a"] }), CLUSTER);
      assert.strictEqual(input(single, "nodeLocations"), undefined);
    });

    it("private endpoint with authorized networks and the DNS endpoint for automation", async () => {
      const result = await run(() => {
        const c = new GkeCluster(
          "gke",
          args({ privateEndpoint: true, authorizedNetworks: [{ name: "corp", cidr: "10.0.0.0/8" }] }),
        );
        return { endpoint: c.endpoint };
      });
      const c = one(result, CLUSTER);
      assert.strictEqual(input(c, "privateClusterConfig.enablePrivateEndpoint"), true);
      assert.deepStrictEqual(input(c, "controlPlaneEndpointsConfig"), {
        dnsEndpointConfig: { allowExternalTraffic: true },
      });
      assert.deepStrictEqual(input(c, "masterAuthorizedNetworksConfig"), {
        cidrBlocks: [{ cidrBlock: "10.0.0.0/8", displayName: "corp" }],
        gcpPublicCidrsAccessEnabled: false,
      });
      assert.match(String(result.outputs.endpoint), /\.us-central1\.gke\.goog$/);
    });

    it("a private endpoint without authorized networks turns them on with no range: nothing beyond the VPC, the DNS endpoint guarded by IAM", async () => {
      // MasterAuthorizedNetworksConfig (GKE API v1): enabled, it disallows external traffic except the given blocks;
      // before, a placeholder 10.0.0.0/8 was required and, with global access, opened the private endpoint wide.
      const c = one(await cluster({ privateEndpoint: true }), CLUSTER);
      assert.deepStrictEqual(input(c, "masterAuthorizedNetworksConfig"), { gcpPublicCidrsAccessEnabled: false });
      assert.strictEqual(input(c, "privateClusterConfig.enablePrivateEndpoint"), true);
      assert.strictEqual(
        input(one(await cluster(), CLUSTER), "masterAuthorizedNetworksConfig"),
        undefined,
        "a public endpoint keeps IAM only",
      );
    });

    it("customer-managed key for Secrets in etcd", async () => {
      const key = "projects/acme-test/locations/us-central1/keyRings/r/cryptoKeys/k";
      const c = one(await cluster({ secretsEncryptionKey: key }), CLUSTER);
      assert.deepStrictEqual(input(c, "databaseEncryption"), { state: "ENCRYPTED", keyName: key });
    });

    it("release channel, deletion protection, autoscaling profile, window, monitoring, FUSE and cost allocation are settable", async () => {
      const c = one(
        await cluster({
          releaseChannel: "STABLE",
          deletionProtection: false,
          autoscalingProfile: "OPTIMIZE_UTILIZATION",
          maintenanceWindowStart: "22:30",
          managedPrometheus: false,
          extraMonitoringComponents: ["DCGM"],
          gcsFuseCsiDriver: false,
          costAllocation: false,
        }),
        CLUSTER,
      );
      assert.deepStrictEqual(input(c, "releaseChannel"), { channel: "STABLE" });
      assert.strictEqual(input(c, "deletionProtection"), false);
      assert.deepStrictEqual(input(c, "clusterAutoscaling"), { autoscalingProfile: "OPTIMIZE_UTILIZATION" });
      assert.deepStrictEqual(input(c, "maintenancePolicy"), { dailyMaintenanceWindow: { startTime: "22:30" } });
      assert.deepStrictEqual(input(c, "monitoringConfig"), {
        enableComponents: [...SYSTEM_MONITORING_COMPONENTS, "DCGM"],
        managedPrometheus: { enabled: false },
      });
      assert.deepStrictEqual(input(c, "addonsConfig.gcsFuseCsiDriverConfig"), { enabled: false });
      assert.deepStrictEqual(input(c, "costManagementConfig"), { enabled: false });
    });

    it("system pool size, machine, spot and disk are settable", async () => {
      const pool = one(
        await cluster({ systemPool: { machineType: "e2-standard-8", min: 3, max: 6, spot: true, diskSizeGb: 80 } }),
        NODE_POOL,
      );
      assert.deepStrictEqual(input(pool, "autoscaling"), {
        totalMinNodeCount: 3,
        totalMaxNodeCount: 6,
        locationPolicy: "BALANCED",
      });
      assert.strictEqual(input(pool, "initialNodeCount"), 1);
      assert.strictEqual(input(pool, "nodeConfig.machineType"), "e2-standard-8");
      assert.strictEqual(input(pool, "nodeConfig.spot"), true);
      assert.strictEqual(input(pool, "nodeConfig.diskSizeGb"), 80);
    });

    it("in preview, provider-computed outputs are unknown and nothing hangs", async () => {
      const result = await run(
        () => {
          const c = new GkeCluster("gke", args());
          return { endpoint: c.endpoint, kubeconfig: c.kubeconfig, name: c.name };
        },
        { preview: true },
      );
      assert.strictEqual(result.outputs.endpoint, UNKNOWN);
      assert.strictEqual(result.outputs.name, "cnai-test-gke", "inputs echo back in preview");
      assert.ok(result.outputs.kubeconfig === UNKNOWN || result.outputs.kubeconfig === SECRET);
    });
  });

  describe("validation", () => {
    const cases: Array<[string, Partial<GkeClusterArgs>, RegExp]> = [
      ["no zones", { zones: [] }, /zones: got \[\]; allowed: at least one zone for nodes/],
      [
        "a zone outside the region",
        { zones: ["europe-west4-a"] },
        /zones\.0: got "europe-west4-a"; allowed: a zone of us-central1: us-central1-a, us-central1-b, us-central1-c, us-central1-f$/,
      ],
      [
        "a system pool with min above max",
        { systemPool: { min: 4, max: 2 } },
        /systemPool\.min: got 4; allowed: at most systemPool\.max \(2\)/,
      ],
      [
        "a malformed maintenance window",
        { maintenanceWindowStart: "3am" },
        /maintenanceWindowStart: got "3am"; allowed: a time of day in UTC as HH:MM \(03:00\)/,
      ],
      [
        "a documentation range (RFC 5737) as the only way in",
        { authorizedNetworks: [{ name: "ci", cidr: "198.51.100.0/24" }] },
        /authorizedNetworks\.0\.cidr: got "198\.51\.100\.0\/24"; allowed: a range your administrators or CI connect from; 198\.51\.100\.0\/24 is in the documentation range 198\.51\.100\.0\/24 \(RFC 5737\)/,
      ],
    ];
    for (const [what, overrides, message] of cases) {
      it(`refuses ${what} and creates no cluster`, async () => {
        await assert.rejects(cluster(overrides), (error: ProgramError) => {
          assert.match(error.message, /^GkeCluster "gke": /);
          assert.match(error.message, message);
          assert.strictEqual(error.resources.filter((r) => r.type === CLUSTER).length, 0);
          return true;
        });
      });
    }

    it("resolves defaults without creating anything (pure core)", () => {
      const spec = resolveGkeClusterArgs("gke", args());
      assert.deepStrictEqual(spec, {
        location: "us-central1",
        nodeLocations: ["us-central1-a", "us-central1-b", "us-central1-c"],
        zoneCount: 3,
        releaseChannel: "REGULAR",
        privateEndpoint: false,
        authorizedNetworks: [],
        deletionProtection: true,
        autoscalingProfile: "BALANCED",
        maintenanceWindowStart: "03:00",
        systemPool: { machineType: "e2-standard-4", min: 1, max: 3, spot: false, diskSizeGb: 100 },
        vulnerabilityScanning: "disabled",
        imageStreaming: true,
      });
    });
  });
});
