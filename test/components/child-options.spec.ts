import * as assert from "node:assert";
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { childOptions } from "../../components/child-options";
import { all, one, run } from "../helpers/run";

class Pair extends pulumi.ComponentResource {
  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("cnai:test:Pair", name, {}, opts);
    const first = new gcp.serviceaccount.Account(`${name}-a`, { accountId: `${name}-aaaa` }, childOptions(this, opts));
    new gcp.serviceaccount.Account(
      `${name}-b`,
      { accountId: `${name}-bbbb` },
      childOptions(this, opts, { dependsOn: [first], protect: true }),
    );
  }
}

describe("childOptions", () => {
  it("passes a component's dependsOn on to its children, with their own dependencies and options", async () => {
    const result = await run(() => {
      const api = new gcp.projects.Service("api", { service: "iam.googleapis.com" });
      new Pair("pair", { dependsOn: [api] });
    });
    const api = one(result, "gcp:projects/service:Service").urn;
    const a = one(result, "gcp:serviceaccount/account:Account", "pair-a");
    const b = one(result, "gcp:serviceaccount/account:Account", "pair-b");
    assert.deepStrictEqual(a.options.dependsOn, [api]);
    assert.deepStrictEqual(b.options.dependsOn.sort(), [api, a.urn].sort());
    assert.strictEqual(b.options.protect, true);
    assert.strictEqual(a.parent, one(result, "cnai:test:Pair").urn);
  });

  it("adds nothing when the component has no dependencies", async () => {
    const result = await run(() => new Pair("solo"));
    assert.ok(
      all(result, "gcp:serviceaccount/account:Account").find((r) => r.name === "solo-a")!.options.dependsOn.length ===
        0,
    );
  });
});
