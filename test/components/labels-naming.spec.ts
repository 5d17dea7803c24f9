import * as assert from "node:assert";
import { computeLabels, dataLabels, governanceLabels, labelSyntaxProblems } from "../../components/labels";
import { NAME_LIMITS, physicalName } from "../../components/naming";
import { STACK_LABELS } from "../helpers/run";

describe("labels", () => {
  it("governance labels: env, team, cost-center, managed-by, component, plus extra labels from config", () => {
    assert.deepStrictEqual(governanceLabels({ ...STACK_LABELS, extra: { owner: "sre" } }, "gke-cluster"), {
      owner: "sre",
      env: "test",
      team: "ml-platform",
      "cost-center": "cc-1",
      "managed-by": "pulumi",
      component: "gke-cluster",
    });
  });

  it("compute adds workload-type, shiftable and carbon-tier; data stores add data-classification", () => {
    assert.deepStrictEqual(
      computeLabels(STACK_LABELS, "gpu-node-pool", { workloadType: "training", shiftable: true, carbonTier: "medium" }),
      {
        env: "test",
        team: "ml-platform",
        "cost-center": "cc-1",
        "managed-by": "pulumi",
        component: "gpu-node-pool",
        "workload-type": "training",
        shiftable: "true",
        "carbon-tier": "medium",
      },
    );
    assert.strictEqual(dataLabels(STACK_LABELS, "storage", "confidential")["data-classification"], "confidential");
  });

  it("checks GCP label syntax and the 64-label limit", () => {
    assert.deepStrictEqual(labelSyntaxProblems({ env: "dev", "cost-center": "cc_1" }), []);
    assert.deepStrictEqual(labelSyntaxProblems({ Env: "dev" }), [
      'label key "Env" does not match ^[a-z][a-z0-9_-]{0,62}$',
    ]);
    assert.deepStrictEqual(labelSyntaxProblems({ env: "Dev Stack" }), [
      'label "env" value "Dev Stack" does not match ^[a-z0-9_-]{0,63}$',
    ]);
    const many = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, "v"]));
    assert.deepStrictEqual(labelSyntaxProblems(many), ["65 labels, more than the 64 GCP allows"]);
  });
});

describe("physical names", () => {
  it("joins prefix and name in lower case", () => {
    assert.strictEqual(physicalName(["cnai-dev", "gke"], NAME_LIMITS.cluster), "cnai-dev-gke");
    assert.strictEqual(physicalName(["Cnai_Dev", "GKE Nodes"], 63), "cnai-dev-gke-nodes");
  });

  it("cuts long names deterministically with a hash, within the limit", () => {
    const a = physicalName(["cnai-research-eu", "a-rather-long-component-name"], NAME_LIMITS.serviceAccountId);
    const b = physicalName(["cnai-research-eu", "a-rather-long-component-other"], NAME_LIMITS.serviceAccountId);
    assert.ok(a.length <= 30 && b.length <= 30);
    assert.notStrictEqual(a, b);
    assert.strictEqual(
      a,
      physicalName(["cnai-research-eu", "a-rather-long-component-name"], NAME_LIMITS.serviceAccountId),
    );
    assert.match(a, /^cnai-research-eu-a-rath-[0-9a-f]{6}$/);
  });
});
