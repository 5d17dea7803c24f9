import * as assert from "node:assert";
import { analyzeWorkloads } from "../../policies/lib/analysis/workloads";
import type { WorkloadReport } from "../../policies/lib/analysis/workloads/model";
import type { RunResult } from "../../scripts/lib/engine";
import { planFromRun } from "../../scripts/lib/plan-document";
import { all } from "../helpers/run";
import { stackRun } from "../helpers/stacks";

const runs = new Map<string, Promise<RunResult>>();
const runOf = (stack: string) => {
  if (!runs.has(stack)) runs.set(stack, stackRun(stack));
  return runs.get(stack)!;
};
const rayWorkloads = async (stack: string): Promise<WorkloadReport[]> =>
  analyzeWorkloads(planFromRun(await runOf(stack)).resources).workloads.filter((w) => w.kind.startsWith("Ray"));

describe("shipped stacks: data preparation on Ray and data movement", () => {
  for (const [stack, clusters] of [
    ["dev", ["team-vision"]],
    ["staging", ["team-nlp", "team-vision"]],
    ["prod", ["team-nlp"]],
  ] as const) {
    it(`${stack}: KubeRay 1.7.0, a RayCluster per configured team and the example RayJob, admitted by Kueue and runnable`, async () => {
      const result = await runOf(stack);
      const charts = all(result, "kubernetes:helm.sh/v4:Chart").map((c) => `${c.inputs.chart}@${c.inputs.version}`);
      assert.ok(charts.includes("kuberay-operator@1.7.0"), charts.join(", "));
      const ray = await rayWorkloads(stack);
      assert.deepStrictEqual(
        ray
          .filter((w) => w.kind === "RayCluster")
          .map((w) => w.namespace)
          .sort(),
        [...clusters],
      );
      assert.strictEqual(ray.filter((w) => w.kind === "RayJob").length, 1);
      for (const w of ray) {
        assert.strictEqual(w.status, "runnable", `${w.kind} ${w.namespace}/${w.name}: ${JSON.stringify(w.problems)}`);
        assert.strictEqual(w.queue?.localQueue, "team-queue");
        // CPU-only pod sets get the system pool's flavor, never a GPU flavor.
        assert.strictEqual(w.queue?.flavors.head, "system");
        for (const pod of w.pods) {
          assert.ok(pod.initContainers.includes("gke-gcsfuse-sidecar"), `${w.name}/${pod.name}: the GCS FUSE sidecar`);
          assert.ok(pod.admitted, `${w.name}/${pod.name} admitted`);
        }
        const workers = w.pods.filter((p) => p.name !== "head");
        for (const p of workers) assert.ok(p.initContainers.includes("wait-gcs-ready"), `${w.name}/${p.name}`);
      }
      const cluster = ray.find((w) => w.kind === "RayCluster")!;
      assert.deepStrictEqual(cluster.pods.find((p) => p.name === "head")!.containers, ["ray-head", "autoscaler"]);
    });
  }

  it("staging: nlp's GPU workers on the spot A100 MIG pool through the team's queue", async () => {
    const nlp = (await rayWorkloads("staging")).find((w) => w.kind === "RayCluster" && w.namespace === "team-nlp")!;
    assert.strictEqual(nlp.queue?.flavors.gpu, "gpu-a100-mig");
    assert.deepStrictEqual(nlp.pods.find((p) => p.name === "gpu")!.pools, ["gpu-a100-mig"]);
  });

  it("transfer jobs per stack: ingest into raw, dev's promotion from staging, staging's grant to dev's agent", async () => {
    const jobs = async (stack: string) =>
      all(await runOf(stack), "gcp:storage/transferJob:TransferJob").map((j) => [
        j.name,
        Object.keys(j.inputs.transferSpec as object)
          .filter((k) => k !== "transferOptions")
          .sort()
          .join("+"),
      ]);
    assert.deepStrictEqual(await jobs("dev"), [
      ["ingest-open-events", "gcsDataSink+httpDataSource"],
      ["promote-staging", "gcsDataSink+gcsDataSource"],
    ]);
    assert.deepStrictEqual(await jobs("staging"), [["ingest-partner-events", "awsS3DataSource+gcsDataSink"]]);
    assert.deepStrictEqual(await jobs("prod"), [["ingest-landing", "gcsDataSink+gcsDataSource"]]);
    const grants = all(await runOf("staging"), "gcp:storage/bucketIAMMember:BucketIAMMember")
      .filter((g) => String(g.inputs.member).includes("storage-transfer-service"))
      .map((g) => `${g.inputs.bucket} ${g.inputs.role}`);
    assert.ok(
      grants.includes("acme-ml-staging-cnai-staging-datasets-curated roles/storage.objectViewer"),
      grants.join("\n"),
    );
    assert.ok(grants.includes("acme-ml-staging-cnai-staging-datasets-curated roles/storage.legacyBucketReader"));
    const apis = all(await runOf("dev"), "gcp:projects/service:Service").map((s) => s.inputs.service);
    assert.ok(apis.includes("storagetransfer.googleapis.com"));
  });
});
