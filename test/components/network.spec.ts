import * as assert from "node:assert";
import { Network, type NetworkArgs } from "../../components/network/network";
import { all, input, one, run, STACK_LABELS } from "../helpers/run";

const args = (overrides: Partial<NetworkArgs> = {}): NetworkArgs => ({
  project: "acme-test",
  region: "us-central1",
  prefix: "cnai-test",
  labels: STACK_LABELS,
  subnetCidr: "10.10.0.0/20",
  podsCidr: "10.16.0.0/14",
  servicesCidr: "10.20.0.0/20",
  ...overrides,
});

describe("Network", () => {
  it("creates a custom-mode regional VPC and a subnet with Pod and Service ranges and Private Google Access", async () => {
    const result = await run(() => new Network("net", args()));
    const vpc = one(result, "gcp:compute/network:Network");
    assert.deepStrictEqual(
      { name: input(vpc, "name"), auto: input(vpc, "autoCreateSubnetworks"), routing: input(vpc, "routingMode") },
      { name: "cnai-test-vpc", auto: false, routing: "REGIONAL" },
    );
    const subnet = one(result, "gcp:compute/subnetwork:Subnetwork");
    assert.strictEqual(input(subnet, "ipCidrRange"), "10.10.0.0/20");
    assert.strictEqual(input(subnet, "privateIpGoogleAccess"), true);
    assert.deepStrictEqual(input(subnet, "secondaryIpRanges"), [
      { rangeName: "pods", ipCidrRange: "10.16.0.0/14" },
      { rangeName: "services", ipCidrRange: "10.20.0.0/20" },
    ]);
    assert.strictEqual(input(subnet, "network"), "projects/acme-test/global/networks/cnai-test-vpc");
  });

  it("logs flows at 0.5 sampling by default, or not at all, or at another rate", async () => {
    const subnetOf = async (o: Partial<NetworkArgs>) =>
      one(await run(() => new Network("net", args(o))), "gcp:compute/subnetwork:Subnetwork");
    assert.deepStrictEqual(input(await subnetOf({}), "logConfig"), {
      aggregationInterval: "INTERVAL_10_MIN",
      flowSampling: 0.5,
      metadata: "INCLUDE_ALL_METADATA",
    });
    assert.strictEqual(input(await subnetOf({ flowLogs: false }), "logConfig"), undefined);
    assert.strictEqual(input(await subnetOf({ flowLogSampling: 0.1 }), "logConfig.flowSampling"), 0.1);
    await assert.rejects(
      run(() => new Network("net", args({ flowLogSampling: 2 }))),
      /Network "net": flowLogSampling must be in \(0, 1\] \(got 2\)/,
    );
  });

  it("gives private nodes egress through Cloud NAT by default, logging errors", async () => {
    const result = await run(() => new Network("net", args()));
    const nat = one(result, "gcp:compute/routerNat:RouterNat");
    assert.deepStrictEqual(
      {
        alloc: input(nat, "natIpAllocateOption"),
        ranges: input(nat, "sourceSubnetworkIpRangesToNat"),
        log: input(nat, "logConfig"),
        router: input(nat, "router"),
      },
      {
        alloc: "AUTO_ONLY",
        ranges: "ALL_SUBNETWORKS_ALL_IP_RANGES",
        log: { enable: true, filter: "ERRORS_ONLY" },
        router: "cnai-test-router",
      },
    );
    const without = await run(() => new Network("net", args({ nat: false })));
    assert.strictEqual(all(without, "gcp:compute/routerNat:RouterNat").length, 0);
    assert.strictEqual(all(without, "gcp:compute/router:Router").length, 0);
  });
});
