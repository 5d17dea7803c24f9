import * as assert from "node:assert";
import { nodePoolHardening } from "../../../policies/governance/policies/node-pool-hardening";
import { messagesOf } from "../../helpers/policy";

const NODE_CONFIG = {
  serviceAccount: "gke-nodes@p.iam.gserviceaccount.com",
  workloadMetadataConfig: { mode: "GKE_METADATA" },
  shieldedInstanceConfig: { enableSecureBoot: true },
};
const pool = (inputs: Record<string, unknown>) => ({
  type: "gcp:container/nodePool:NodePool",
  inputs: { nodeConfig: NODE_CONFIG, ...inputs },
});

describe("policy cnai-node-pool-hardening", () => {
  it("passes a hardened pool, with auto-repair and auto-upgrade on by default or explicitly", async () => {
    assert.deepStrictEqual(
      await messagesOf(nodePoolHardening, [pool({}), pool({ management: { autoRepair: true, autoUpgrade: true } })]),
      [],
    );
  });

  it("requires the GKE metadata server, naming what is set", async () => {
    const messages = await messagesOf(nodePoolHardening, [
      pool({ nodeConfig: { ...NODE_CONFIG, workloadMetadataConfig: { mode: "GCE_METADATA" } } }),
      pool({ nodeConfig: { ...NODE_CONFIG, workloadMetadataConfig: undefined } }),
    ]);
    assert.deepStrictEqual(messages, [
      "nodeConfig.workloadMetadataConfig.mode is GCE_METADATA: Pods may reach the node's credentials through the metadata server. Set it to GKE_METADATA.",
      "nodeConfig.workloadMetadataConfig.mode is not set: Pods may reach the node's credentials through the metadata server. Set it to GKE_METADATA.",
    ]);
  });

  it('rejects the default service accounts: absent, "default" and the Compute Engine default', async () => {
    const messages = await messagesOf(nodePoolHardening, [
      pool({ nodeConfig: { ...NODE_CONFIG, serviceAccount: undefined } }),
      pool({ nodeConfig: { ...NODE_CONFIG, serviceAccount: "default" } }),
      pool({ nodeConfig: { ...NODE_CONFIG, serviceAccount: "123456-compute@developer.gserviceaccount.com" } }),
    ]);
    assert.strictEqual(messages.length, 3);
    assert.match(
      messages[0],
      /^nodes run as the Compute Engine default service account \(nodeConfig\.serviceAccount not set\)/,
    );
    assert.match(messages[1], /^nodes run as default, which usually holds Editor/);
    assert.match(
      messages[2],
      /^nodes run as 123456-compute@developer\.gserviceaccount\.com.*Set nodeConfig\.serviceAccount to a dedicated account with roles\/container\.defaultNodeServiceAccount\.$/,
    );
  });

  it("accepts a service account unknown during preview (one the stack creates)", async () => {
    assert.deepStrictEqual(
      await messagesOf(nodePoolHardening, [pool({ nodeConfig: { ...NODE_CONFIG, serviceAccount: "[unknown]" } })]),
      [],
    );
  });

  it("requires auto-repair and auto-upgrade, except auto-repair on queued-provisioning and flex-start pools", async () => {
    const off = { management: { autoRepair: false, autoUpgrade: false } };
    const messages = await messagesOf(nodePoolHardening, [pool(off)]);
    assert.deepStrictEqual(messages, [
      "management.autoRepair is false: unhealthy nodes stay in service. Set it to true (only queued-provisioning and flex-start pools may turn it off).",
      "management.autoUpgrade is false: nodes miss security patches and drift from the control plane. Set it to true.",
    ]);
    const queued = await messagesOf(nodePoolHardening, [pool({ ...off, queuedProvisioning: { enabled: true } })]);
    assert.deepStrictEqual(
      queued.map((m) => m.split(" ")[0]),
      ["management.autoUpgrade"],
    );
    // Flex-start pools turn auto-repair off too (GKE's flex-start guidance: --no-enable-autorepair).
    const flex = await messagesOf(nodePoolHardening, [
      pool({ ...off, nodeConfig: { ...NODE_CONFIG, flexStart: true } }),
    ]);
    assert.deepStrictEqual(
      flex.map((m) => m.split(" ")[0]),
      ["management.autoUpgrade"],
    );
  });

  it("requires Secure Boot (absent is off)", async () => {
    const [message] = await messagesOf(nodePoolHardening, [
      pool({ nodeConfig: { ...NODE_CONFIG, shieldedInstanceConfig: { enableIntegrityMonitoring: true } } }),
    ]);
    assert.match(message, /^nodeConfig\.shieldedInstanceConfig\.enableSecureBoot is not true/);
  });

  it("checks a cluster's default pool only while the cluster keeps it", async () => {
    const cluster = (inputs: Record<string, unknown>) => ({
      type: "gcp:container/cluster:Cluster",
      inputs: { nodeConfig: {}, ...inputs },
    });
    assert.deepStrictEqual(
      await messagesOf(nodePoolHardening, [
        cluster({ removeDefaultNodePool: true }),
        cluster({ enableAutopilot: true }),
      ]),
      [],
    );
    const messages = await messagesOf(nodePoolHardening, [cluster({})]);
    assert.ok(messages.length === 3 && messages.every((m) => m.startsWith("default node pool: ")), messages.join("\n"));
  });

  // GKE: a cluster that removes its default node pool (or is Autopilot) has no node config of its own to harden.
  it("skips a cluster's node config when it removes the default pool or is Autopilot", async () => {
    for (const inputs of [{ removeDefaultNodePool: true }, { enableAutopilot: true }])
      assert.deepStrictEqual(
        await messagesOf(nodePoolHardening, [
          { type: "gcp:container/cluster:Cluster", inputs: { ...inputs, nodeConfig: {} } },
        ]),
        [],
        JSON.stringify(inputs),
      );
  });
});
