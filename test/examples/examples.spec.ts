import * as assert from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runStack } from "../../scripts/lib/engine";
import type { Plan } from "../../scripts/lib/plan-document";
import { main } from "../../scripts/plan";
import { all, captureOutput, input, one, ROOT } from "../helpers/run";

/**
 * The programs of examples/ use the components from outside the blueprint's program. Each is run
 * under the offline engine from its own Pulumi.yaml and Pulumi.dev.yaml, as the CLI would run it
 * (`pulumi preview` in its folder), and planned by `npm run plan -- --program <dir>`. Their type
 * check is `npm test`'s tsc (tsconfig.json includes examples/).
 */
const EXAMPLES = path.join(ROOT, "examples");
const GPU_POOL = path.join(EXAMPLES, "gpu-pool-on-existing-cluster");
const MODEL = path.join(EXAMPLES, "model-on-existing-cluster");

describe("examples/", () => {
  it("are type-checked with the rest of the code (tsconfig.json includes them)", () => {
    const tsconfig = JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8")) as { include: string[] };
    assert.ok(tsconfig.include.includes("examples/**/*.ts"));
    for (const example of [GPU_POOL, MODEL]) {
      for (const file of ["index.ts", "Pulumi.yaml", "Pulumi.dev.yaml"]) {
        assert.ok(fs.existsSync(path.join(example, file)), `${path.basename(example)}/${file}`);
      }
    }
  });

  describe("gpu-pool-on-existing-cluster", () => {
    it("adds an L4 spot pool named gpu-l4 to the cluster of its config, after the node account's image-streaming grant", async () => {
      const run = await runStack({ root: GPU_POOL, stack: "dev" });
      const pool = one(run, "gcp:container/nodePool:NodePool");
      // The cluster and the pool shape are those of examples/gpu-pool-on-existing-cluster/Pulumi.dev.yaml.
      assert.strictEqual(input(pool, "cluster"), "acme-dev-gke");
      assert.strictEqual(input(pool, "location"), "us-central1-a");
      assert.strictEqual(input(pool, "project"), "acme-ml-dev");
      assert.strictEqual(input(pool, "name"), "gpu-l4");
      assert.deepStrictEqual(input(pool, "nodeLocations"), ["us-central1-a"]);
      assert.strictEqual(input(pool, "nodeConfig.machineType"), "g2-standard-8");
      assert.strictEqual(input(pool, "nodeConfig.spot"), true);
      // A g2-standard-8 carries one L4 (Google Cloud, "GPU machine types": G2).
      assert.strictEqual(input(pool, "nodeConfig.guestAccelerators.0.type"), "nvidia-l4");
      assert.strictEqual(input(pool, "nodeConfig.guestAccelerators.0.count"), 1);
      assert.strictEqual(
        input(pool, "nodeConfig.serviceAccount"),
        "acme-dev-gke-nodes@acme-ml-dev.iam.gserviceaccount.com",
      );
      assert.deepStrictEqual(input(pool, "autoscaling"), {
        totalMinNodeCount: 0,
        totalMaxNodeCount: 2,
        locationPolicy: "ANY",
      });
      const grant = one(run, "gcp:projects/iAMMember:IAMMember");
      assert.strictEqual(input(grant, "role"), "roles/serviceusage.serviceUsageConsumer");
      assert.strictEqual(
        input(grant, "member"),
        "serviceAccount:acme-dev-gke-nodes@acme-ml-dev.iam.gserviceaccount.com",
      );
      assert.ok(pool.options.dependsOn.includes(grant.urn), "the pool waits for the grant");
      assert.deepStrictEqual(run.outputs, { poolName: "gpu-l4", accelerator: "nvidia-l4", zones: ["us-central1-a"] });
      assert.strictEqual(all(run, "gcp:container/cluster:Cluster").length, 0, "the cluster is not this program's");
    });
  });

  describe("model-on-existing-cluster", () => {
    it("serves the model of its config as an InferenceService on the gpu-l4 pool, through the cluster's provider", async () => {
      const run = await runStack({ root: MODEL, stack: "dev" });
      const provider = one(run, "pulumi:providers:kubernetes", "cluster");
      const isvc = one(run, "kubernetes:serving.kserve.io/v1beta1:InferenceService");
      assert.ok(isvc.provider?.startsWith(`${provider.urn}::`), "applied with the cluster's provider");
      assert.strictEqual(input(isvc, "metadata.name"), "llama-3-8b");
      assert.strictEqual(input(isvc, "metadata.namespace"), "team-ml-platform");
      const annotations = input(isvc, "metadata.annotations") as Record<string, string>;
      assert.strictEqual(annotations["serving.kserve.io/deploymentMode"], "Standard");
      // A GPU model server scales on vLLM's queue through KEDA, not on CPU (GKE, "Best practices for
      // autoscaling LLM inference workloads with GPUs"; issue 13 item 12): KServe v0.20.0's keda class
      // with an External Prometheus metric at the example's metricsQueryUrl, 10 waiting requests per replica.
      assert.strictEqual(annotations["serving.kserve.io/autoscalerClass"], "keda");
      const predictor = input(isvc, "spec.predictor") as Record<string, unknown>;
      assert.strictEqual(predictor.minReplicas, 1);
      assert.strictEqual(predictor.maxReplicas, 2);
      assert.strictEqual(predictor.scaleMetric, undefined);
      assert.strictEqual(predictor.scaleTarget, undefined);
      assert.deepStrictEqual(predictor.autoScaling, {
        metrics: [
          {
            type: "External",
            external: {
              metric: {
                backend: "prometheus",
                serverAddress: "http://prometheus-k8s.monitoring.svc:9090",
                query: 'sum(vllm:num_requests_waiting{namespace="team-ml-platform",model="llama-3-8b"})',
              },
              target: { type: "Value", value: "10" },
            },
          },
        ],
      });
      assert.deepStrictEqual(predictor.nodeSelector, {
        "cloud.google.com/gke-nodepool": "gpu-l4",
        "cloud.google.com/gke-accelerator": "nvidia-l4",
      });
      assert.strictEqual(
        input(isvc, "spec.predictor.model.storageUri"),
        "gs://acme-dev-models/llama-3.1-8b-instruct/v1",
      );
      const limits = input(isvc, "spec.predictor.model.resources.limits") as Record<string, string>;
      assert.strictEqual(limits["nvidia.com/gpu"], "1");
      assert.deepStrictEqual(run.outputs, { url: "http://llama-3-8b-predictor.team-ml-platform.svc.cluster.local" });
    });
  });

  describe("npm run plan -- --program <dir>", () => {
    for (const [example, types] of [
      [GPU_POOL, ["cnai:compute:GpuNodePool", "gcp:container/nodePool:NodePool", "gcp:projects/iAMMember:IAMMember"]],
      [MODEL, ["cnai:serving:ModelDeployment", "kubernetes:serving.kserve.io/v1beta1:InferenceService"]],
    ] as const) {
      it(`plans ${path.basename(example)} with the dev policy config: exit 0, no mandatory violation`, async () => {
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "cnai-example-"));
        try {
          const { result, stdout } = await captureOutput(() =>
            main(["--program", path.relative(process.cwd(), example), "--stack", "dev", "--out", out]),
          );
          assert.strictEqual(result, 0, stdout);
          const plan = JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8")) as Plan;
          assert.strictEqual(plan.stack, "dev");
          for (const type of types)
            assert.ok(
              plan.resources.some((r) => r.type === type),
              type,
            );
          assert.deepStrictEqual(
            plan.policy.violations.filter((v) => v.enforcementLevel === "mandatory"),
            [],
            "no mandatory violation",
          );
          assert.ok(fs.existsSync(path.join(out, "report.md")));
        } finally {
          fs.rmSync(out, { recursive: true, force: true });
        }
      });
    }
  });
});
