import * as assert from "node:assert";
import { GCP_API_RULES } from "../../../components/catalog/gcp-api-rules";
import { cloudArmorRules } from "../../../components/gateway/model-gateway";
import { gcpApiRules } from "../../../policies/governance/policies/gcp-api-rules";
import { gcpRuleFindings } from "../../../policies/lib/analysis/gcp-rules/check";
import { messagesOf } from "../../helpers/policy";

const BUCKET = "gcp:storage/bucket:Bucket";
const NODE_POOL = "gcp:container/nodePool:NodePool";
const CLUSTER = "gcp:container/cluster:Cluster";
const RUN = "gcp:cloudrunv2/service:Service";

const pool = (inputs: Record<string, unknown>) => ({
  type: NODE_POOL,
  inputs: {
    autoscaling: { totalMinNodeCount: 0, totalMaxNodeCount: 2, locationPolicy: "ANY" },
    initialNodeCount: 0,
    ...inputs,
  },
});
const DWS_NODE_CONFIG = { flexStart: true, reservationAffinity: { consumeReservationType: "NO_RESERVATION" } };
const gpuService = (container: Record<string, unknown>, template: Record<string, unknown> = {}) => ({
  type: RUN,
  inputs: {
    template: {
      nodeSelector: { accelerator: "nvidia-l4" },
      containers: [
        {
          image: "x",
          resources: { limits: { cpu: "8", memory: "32Gi", "nvidia.com/gpu": "1" }, cpuIdle: false },
          ...container,
        },
      ],
      ...template,
    },
  },
});

describe("policy cnai-gcp-api-rules", () => {
  it("passes resources that keep Google's rules", async () => {
    assert.deepStrictEqual(
      await messagesOf(gcpApiRules, [
        {
          type: BUCKET,
          inputs: { versioning: { enabled: true }, softDeletePolicy: { retentionDurationSeconds: 604800 } },
        },
        { type: BUCKET, inputs: { versioning: { enabled: false }, retentionPolicy: { retentionPeriod: "2592000" } } },
        pool({ nodeConfig: DWS_NODE_CONFIG, management: { autoRepair: false } }),
        pool({ queuedProvisioning: { enabled: true }, nodeConfig: DWS_NODE_CONFIG, management: { autoRepair: false } }),
        pool({
          nodeConfig: { reservationAffinity: { consumeReservationType: "SPECIFIC_RESERVATION" } },
          placementPolicy: { type: "COMPACT", policyName: "res-policy" },
        }),
        {
          type: CLUSTER,
          inputs: { securityPostureConfig: { mode: "BASIC", vulnerabilityMode: "VULNERABILITY_DISABLED" } },
        },
        gpuService({
          startupProbe: { httpGet: { path: "/health" }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 180 },
        }),
      ]),
      [],
    );
  });

  it("refuses a retention policy on a versioned bucket (Cloud Storage Bucket Lock)", async () => {
    const [message] = await messagesOf(gcpApiRules, [
      {
        type: BUCKET,
        inputs: { versioning: { enabled: true }, retentionPolicy: { retentionPeriod: "2592000", isLocked: false } },
      },
    ]);
    assert.match(
      message,
      /^storage-retention-versioning: a retention policy together with Object Versioning, which Cloud Storage refuses on one bucket\. .* \(source: Cloud Storage, "Bucket Lock"/,
    );
  });

  it("refuses a flex-start pool with auto-repair on, Spot, or a reservation", async () => {
    const [message] = await messagesOf(gcpApiRules, [
      pool({
        nodeConfig: { flexStart: true, spot: true, reservationAffinity: { consumeReservationType: "ANY_RESERVATION" } },
      }),
    ]);
    assert.match(
      message,
      /^gke-flex-start-settings: flex-start needs management\.autoRepair false .*, no Spot .*, reservation affinity NO_RESERVATION \(got ANY_RESERVATION\)/,
    );
  });

  it("holds flex-start and queued pools to the same DWS settings: location policy ANY and no reservation, never left to GKE's defaults", async () => {
    // GKE's dws-flex-start-training and provisioningrequest commands: --location-policy=ANY --reservation-affinity=none.
    const balanced = {
      autoscaling: { totalMinNodeCount: 0, totalMaxNodeCount: 2, locationPolicy: "BALANCED" },
      management: { autoRepair: false },
    };
    const [flexBalanced, queuedBalanced] = await messagesOf(gcpApiRules, [
      pool({ ...balanced, nodeConfig: DWS_NODE_CONFIG }),
      pool({ ...balanced, queuedProvisioning: { enabled: true }, nodeConfig: DWS_NODE_CONFIG }),
    ]);
    assert.match(
      flexBalanced,
      /^gke-flex-start-settings: flex-start needs autoscaling\.locationPolicy ANY \(got BALANCED\) \(source:/,
    );
    assert.match(
      queuedBalanced,
      /^gke-queued-provisioning-settings: queued provisioning needs autoscaling\.locationPolicy ANY \(got BALANCED\) \(source:/,
    );
    const unset = { autoscaling: { totalMinNodeCount: 0, totalMaxNodeCount: 2 }, management: { autoRepair: false } };
    const [flexUnset] = await messagesOf(gcpApiRules, [pool({ ...unset, nodeConfig: { flexStart: true } })]);
    assert.match(
      flexUnset,
      /^gke-flex-start-settings: flex-start needs autoscaling\.locationPolicy ANY \(got unset, GKE's default BALANCED\), reservation affinity NO_RESERVATION \(got unset, GKE's default ANY_RESERVATION\) \(source:/,
    );
  });

  it("refuses a queued-provisioning pool that is not flex-start, keeps auto-repair, or has a placement policy", async () => {
    const [message] = await messagesOf(gcpApiRules, [
      pool({ queuedProvisioning: { enabled: true }, placementPolicy: { type: "COMPACT" } }),
    ]);
    assert.match(
      message,
      /^gke-queued-provisioning-settings: queued provisioning needs nodeConfig\.flexStart true, management\.autoRepair false, reservation affinity NO_RESERVATION \(got unset, GKE's default ANY_RESERVATION\), no placementPolicy/,
    );
  });

  it("refuses a self-made compact policy on a pool of a specific reservation", async () => {
    const [message] = await messagesOf(gcpApiRules, [
      pool({
        nodeConfig: { reservationAffinity: { consumeReservationType: "SPECIFIC_RESERVATION" } },
        placementPolicy: { type: "COMPACT" },
      }),
    ]);
    assert.match(
      message,
      /^gke-reservation-placement: placementPolicy COMPACT without policyName on a pool that consumes a specific reservation/,
    );
  });

  it("refuses GKE's retired standard vulnerability scanning", async () => {
    const [message] = await messagesOf(gcpApiRules, [
      { type: CLUSTER, inputs: { securityPostureConfig: { vulnerabilityMode: "VULNERABILITY_BASIC" } } },
    ]);
    assert.match(
      message,
      /^gke-vulnerability-mode: securityPostureConfig\.vulnerabilityMode VULNERABILITY_BASIC: GKE shut the standard scanning tier down on 2025-07-31/,
    );
  });

  it("refuses a Cloud Run GPU revision below the minimums, and a startup probe beyond Cloud Run's limits", async () => {
    const small = gpuService({ resources: { limits: { cpu: "2", memory: "8Gi", "nvidia.com/gpu": "1" } } });
    const [minimums] = await messagesOf(gcpApiRules, [small]);
    assert.match(
      minimums,
      /^cloud-run-gpu-minimums: a Cloud Run GPU revision needs at least 4 CPU \(got 2\), at least 16 GiB \(got 8\), resources\.cpuIdle false/,
    );
    const [probe] = await messagesOf(gcpApiRules, [
      gpuService({
        startupProbe: { initialDelaySeconds: 300, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 200 },
      }),
    ]);
    assert.match(
      probe,
      /^cloud-run-startup-probe-limits: a startup probe Cloud Run refuses: initialDelaySeconds 300 > 240, failureThreshold x periodSeconds = 2000 s > 1800 s \(with a GPU\)/,
    );
  });

  it("refuses a budget filter with more than one label, and a soft delete outside 7-90 days", async () => {
    const messages = await messagesOf(gcpApiRules, [
      { type: "gcp:billing/budget:Budget", inputs: { budgetFilter: { labels: { env: "prod", team: "a" } } } },
      { type: BUCKET, inputs: { softDeletePolicy: { retentionDurationSeconds: 86400 } } },
    ]);
    assert.deepStrictEqual(
      messages.map((m) => m.split(":")[0]),
      ["billing-budget-one-label", "storage-soft-delete-duration"],
    );
  });

  it("refuses a proxy-only subnet without a role, with secondary ranges or Private Google Access; passes the gateway's", async () => {
    const subnet = (inputs: Record<string, unknown>) => ({
      type: "gcp:compute/subnetwork:Subnetwork",
      inputs: { purpose: "REGIONAL_MANAGED_PROXY", ipCidrRange: "10.129.0.0/23", ...inputs },
    });
    assert.deepStrictEqual(await messagesOf(gcpApiRules, [subnet({ role: "ACTIVE" })]), []);
    assert.deepStrictEqual(
      await messagesOf(gcpApiRules, [{ type: "gcp:compute/subnetwork:Subnetwork", inputs: {} }]),
      [],
    );
    const messages = await messagesOf(gcpApiRules, [
      subnet({ privateIpGoogleAccess: true, secondaryIpRanges: [{ rangeName: "pods", ipCidrRange: "10.16.0.0/14" }] }),
    ]);
    assert.strictEqual(messages.length, 1);
    assert.match(
      messages[0],
      /^compute-proxy-only-subnet: .*a REGIONAL_MANAGED_PROXY subnet with role unset \(ACTIVE or BACKUP\), 1 secondary ranges \(none\), privateIpGoogleAccess \(off\)/,
    );
  });

  it("refuses Cloud Armor rate limits on the wrong actions and a policy without its default rule; passes the gateway's", async () => {
    const policy = (rules: unknown[]) => ({
      type: "gcp:compute/regionSecurityPolicy:RegionSecurityPolicy",
      inputs: { rules },
    });
    assert.deepStrictEqual(
      await messagesOf(gcpApiRules, [
        policy(cloudArmorRules({ requestsPerClientPerMinute: 100, wafRules: ["sqli-v33-stable"] })),
      ]),
      [],
    );
    const [message] = await messagesOf(gcpApiRules, [
      policy([
        { priority: 10, action: "throttle" },
        { priority: 20, action: "deny(403)", rateLimitOptions: { conformAction: "allow" } },
      ]),
    ]);
    assert.match(
      message,
      /^cloud-armor-rate-limit-rules: .*rule 10 \(throttle\) has no rateLimitOptions; rule 20 \(deny\(403\)\) has rateLimitOptions; no default rule at priority 2147483647/,
    );
  });

  it("skips a rule whose facts are unknown during preview rather than failing the run", async () => {
    assert.deepStrictEqual(
      await messagesOf(gcpApiRules, [
        { type: BUCKET, inputs: { versioning: "[unknown]", retentionPolicy: { retentionPeriod: "60" } } },
      ]),
      [],
    );
  });

  it("keeps one table: every rule names its resource type and a source, and the analysis applies all of them to a plan", () => {
    for (const rule of GCP_API_RULES) {
      assert.match(rule.resourceType, /^gcp:[a-z0-9]+\/[A-Za-z]+:[A-Za-z]+$/, rule.id);
      assert.ok(rule.source.length > 40 && rule.rule.length > 20, rule.id);
    }
    assert.strictEqual(new Set(GCP_API_RULES.map((r) => r.id)).size, GCP_API_RULES.length);
    const findings = gcpRuleFindings([
      { urn: "urn:x", type: CLUSTER, props: { securityPostureConfig: { vulnerabilityMode: "VULNERABILITY_BASIC" } } },
    ]);
    assert.deepStrictEqual(
      findings.map((f) => [f.urn, f.rule.id]),
      [["urn:x", "gke-vulnerability-mode"]],
    );
  });
});
