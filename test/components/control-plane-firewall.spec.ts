import * as assert from "node:assert";
import { ControlPlaneFirewall, type ControlPlaneFirewallArgs } from "../../components/network/control-plane-firewall";
import { ProgramError } from "../../scripts/lib/engine";
import { input, one, run } from "../helpers/run";

const FIREWALL = "gcp:compute/firewall:Firewall";

function args(overrides: Partial<ControlPlaneFirewallArgs> = {}): ControlPlaneFirewallArgs {
  return {
    project: "acme-test",
    prefix: "cnai-test",
    network: "projects/acme-test/global/networks/cnai-test-vpc",
    masterCidr: "172.16.0.0/28",
    nodeServiceAccount: "cnai-test-gke-nodes@acme-test.iam.gserviceaccount.com",
    ...overrides,
  };
}

describe("ControlPlaneFirewall", () => {
  it("opens the charts' webhook and aggregated API ports from the control plane range to the nodes' service account, and nothing else", async () => {
    // GKE opens 443 and 10250 only ("Add firewall rules for specific use cases"); the charts' targetPorts
    // at their pinned versions: KEDA metrics API 6443, Kueue visibility 8082, Knative 8443, webhooks 9443.
    const rule = one(await run(() => new ControlPlaneFirewall("gke-control-plane", args())), FIREWALL);
    assert.strictEqual(input(rule, "name"), "cnai-test-gke-control-plane-webhooks");
    assert.strictEqual(input(rule, "network"), "projects/acme-test/global/networks/cnai-test-vpc");
    assert.strictEqual(input(rule, "direction"), "INGRESS");
    assert.deepStrictEqual(input(rule, "sourceRanges"), ["172.16.0.0/28"]);
    assert.deepStrictEqual(input(rule, "targetServiceAccounts"), [
      "cnai-test-gke-nodes@acme-test.iam.gserviceaccount.com",
    ]);
    assert.deepStrictEqual(input(rule, "allows"), [{ protocol: "tcp", ports: ["6443", "8082", "8443", "9443"] }]);
    assert.strictEqual(input(rule, "sourceTags"), undefined);
  });

  it("takes the ports it is given, sorted and once each", async () => {
    const rule = one(await run(() => new ControlPlaneFirewall("fw", args({ ports: [9443, 15017, 9443] }))), FIREWALL);
    assert.deepStrictEqual(input(rule, "allows"), [{ protocol: "tcp", ports: ["9443", "15017"] }]);
  });

  for (const [what, overrides, message] of [
    ["no ports", { ports: [] }, /ControlPlaneFirewall "fw": ports: at least one port/],
    ["a port out of range", { ports: [70000] }, /ports: 70000 is not a TCP port \(1 to 65535\)/],
    [
      "a control plane range that is not a /28",
      { masterCidr: "172.16.0.0/24" },
      /masterCidr: expected the control plane's \/28 \(got 172\.16\.0\.0\/24\)/,
    ],
  ] as const) {
    it(`refuses ${what}, and creates no rule`, async () => {
      const error = await run(
        () => new ControlPlaneFirewall("fw", args(overrides as Partial<ControlPlaneFirewallArgs>)),
      ).then(
        () => undefined,
        (e) => e,
      );
      assert.ok(error instanceof ProgramError, String(error));
      assert.match(error.message, message);
      assert.strictEqual(error.resources.filter((r: { type: string }) => r.type === FIREWALL).length, 0);
    });
  }
});
