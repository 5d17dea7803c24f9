import * as assert from "node:assert";
import { gkeClusterHardening } from "../../../policies/governance/policies/gke-cluster-hardening";
import { messagesOf } from "../../helpers/policy";

const HARDENED = {
  privateClusterConfig: { enablePrivateNodes: true },
  workloadIdentityConfig: { workloadPool: "p.svc.id.goog" },
  releaseChannel: { channel: "STABLE" },
  datapathProvider: "ADVANCED_DATAPATH",
};
const cluster = (inputs: Record<string, unknown>) => ({ type: "gcp:container/cluster:Cluster", inputs });

describe("policy cnai-gke-cluster-hardening", () => {
  it("passes a hardened cluster, relying on the defaults for Shielded Nodes, ABAC and client certificates", async () => {
    assert.deepStrictEqual(await messagesOf(gkeClusterHardening, [cluster(HARDENED)]), []);
    const explicit = {
      ...HARDENED,
      enableShieldedNodes: true,
      enableLegacyAbac: false,
      masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
    };
    assert.deepStrictEqual(await messagesOf(gkeClusterHardening, [cluster(explicit)]), []);
  });

  it("accepts networkPolicy.enabled instead of Dataplane V2, and a workload pool unknown during preview", async () => {
    const { datapathProvider, ...rest } = HARDENED;
    void datapathProvider;
    assert.deepStrictEqual(
      await messagesOf(gkeClusterHardening, [
        cluster({ ...rest, networkPolicy: { enabled: true }, workloadIdentityConfig: { workloadPool: "[unknown]" } }),
      ]),
      [],
    );
  });

  it("reports each missing hardening with what to set", async () => {
    const messages = await messagesOf(gkeClusterHardening, [cluster({ enableShieldedNodes: false })]);
    assert.deepStrictEqual(
      messages.map((m) => m.split(":")[0]),
      [
        "Nodes have public IPs",
        "releaseChannel.channel is not set",
        "No Workload Identity pool (workloadIdentityConfig.workloadPool)",
        "enableShieldedNodes is false",
        "NetworkPolicies are not enforced",
      ],
    );
    assert.match(messages[1], /Set it to RAPID, REGULAR or STABLE/);
    assert.match(messages[4], /Use Dataplane V2/);
  });

  it("rejects the UNSPECIFIED channel, legacy ABAC, basic auth and client certificates", async () => {
    const messages = await messagesOf(gkeClusterHardening, [
      cluster({
        ...HARDENED,
        releaseChannel: { channel: "UNSPECIFIED" },
        enableLegacyAbac: true,
        masterAuth: { username: "admin", password: "x", clientCertificateConfig: { issueClientCertificate: true } },
      }),
    ]);
    assert.deepStrictEqual(messages, [
      "releaseChannel.channel is UNSPECIFIED: upgrades are not on a known schedule. Set it to RAPID, REGULAR or STABLE (STABLE for prod).",
      "enableLegacyAbac is true: ABAC grants bypass RBAC. Set enableLegacyAbac: false.",
      "masterAuth sets a basic-auth username or password, a static credential to the API server. Remove them; use Google identities (gke-gcloud-auth-plugin).",
      "masterAuth.clientCertificateConfig.issueClientCertificate is true: a long-lived admin certificate that cannot be revoked. Set it to false.",
    ]);
  });

  it("checks only private nodes, channel and auth on Autopilot (GKE enforces the rest)", async () => {
    const messages = await messagesOf(gkeClusterHardening, [
      cluster({ enableAutopilot: true, releaseChannel: { channel: "REGULAR" } }),
    ]);
    assert.deepStrictEqual(
      messages.map((m) => m.split(":")[0]),
      ["Nodes have public IPs"],
    );
  });

  // GKE: basic authentication is a username and password in masterAuth; either one set is a static credential.
  it("reports a basic-auth username or password set alone", async () => {
    for (const masterAuth of [{ username: "admin" }, { password: "hunter2" }]) {
      const messages = await messagesOf(gkeClusterHardening, [
        cluster({ masterAuth, workloadIdentityConfig: { workloadPool: "p.svc.id.goog" } }),
      ]);
      assert.ok(
        messages.some((m) => m.startsWith("masterAuth sets a basic-auth username or password")),
        `${JSON.stringify(masterAuth)}: ${messages.join("\n")}`,
      );
    }
  });
});
