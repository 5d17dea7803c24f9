import * as assert from "node:assert";
import { type RaySettings, rayIssues, rayQuotaNeed, raySchema, resolvedRayCluster } from "../../stacks/config/ray";

// The Ray config rules in process (the bad-config specs see them only through `npm run plan`).
// Expected sizes come from upstream: KubeRay v1.7.0 ray-operator/controllers/ray/common/pod.go
// BuildAutoscalerContainer (the head's autoscaler sidecar requests 500m and 512Mi, limit 512Mi) and
// GKE's GCS FUSE sidecar as the Ray Pods annotate it (250m and 256Mi requested, a 1Gi memory limit;
// ResourceQuota counts memory by limits.memory). A2 machines: a2-highgpu-1g has one A100
// (cloud.google.com/compute/docs/gpus, A2 Standard).

const DEFAULTS = {
  head: { cpu: 2, memoryGi: 8 },
  cpuWorkers: { cpu: 4, memoryGi: 16, min: 0, max: 2 },
  idleTimeoutSeconds: 300,
  priorityClass: "cnai-low",
};

function ray(overrides: Partial<Record<string, unknown>> = {}): RaySettings {
  return raySchema.parse({ defaults: DEFAULTS, clusters: [], ...overrides });
}

const TEAM = { name: "nlp", quota: { gpus: 8, cpu: 64, memoryGi: 256 } };
const A100 = { name: "a100", machineType: "a2-highgpu-1g", accelerator: { type: "nvidia-tesla-a100" } };
const CTX = {
  teams: [TEAM, { name: "vision", quota: { gpus: 0, cpu: 16, memoryGi: 64 } }],
  pools: [A100],
  remoteCaches: true,
};

const paths = (settings: RaySettings, ctx = CTX) => rayIssues(settings, ctx).map((i) => i.path.join("."));

describe("Ray config rules", () => {
  it("takes each size from the cluster, else from the defaults", () => {
    const settings = ray({ clusters: [{ team: "nlp", head: { cpu: 1 }, cpuWorkers: { max: 5 } }] });
    const r = resolvedRayCluster(settings, settings.clusters[0]);
    assert.deepStrictEqual(r.head, { cpu: 1, memoryGi: 8 });
    assert.deepStrictEqual(r.cpuWorkers, { cpu: 4, memoryGi: 16, min: 0, max: 5 });
    assert.strictEqual(r.priorityClass, "cnai-low");
    const own = ray({
      clusters: [{ team: "nlp", cpuWorkers: { cpu: 1, memoryGi: 2, min: 1, max: 1 }, priorityClass: "cnai-high" }],
    });
    const o = resolvedRayCluster(own, own.clusters[0]);
    assert.deepStrictEqual(o.cpuWorkers, { cpu: 1, memoryGi: 2, min: 1, max: 1 });
    assert.strictEqual(o.priorityClass, "cnai-high");
  });

  it("asks of the quota the head with KubeRay's autoscaler and every worker at its maximum, each with GKE's GCS FUSE sidecar", () => {
    const settings = ray({
      clusters: [{ team: "nlp", gpuWorkers: { pool: "a100", gpusPerWorker: 1, max: 3 } }],
    });
    const need = rayQuotaNeed(resolvedRayCluster(settings, settings.clusters[0]));
    // head 2 + autoscaler 0.5 + sidecar 0.25; 2 CPU workers x (4 + 0.25); 3 GPU workers x 0.25 (their own CPU is the pool's).
    assert.strictEqual(need.cpu, 2 + 0.5 + 0.25 + 2 * (4 + 0.25) + 3 * 0.25);
    // head 8 + 0.5 (512Mi) + 1 (sidecar limit); 2 x (16 + 1); 3 x 1.
    assert.strictEqual(need.memoryGi, 8 + 0.5 + 1 + 2 * (16 + 1) + 3 * 1);
  });

  it("accepts clusters that name a team once, a GPU pool of the stack, min <= max and sizes within the quota", () => {
    const settings = ray({
      clusters: [
        { team: "nlp", cpuWorkers: { min: 2, max: 2 }, gpuWorkers: { pool: "a100", gpusPerWorker: 1, min: 2, max: 2 } },
        { team: "vision" },
      ],
      exampleJob: { team: "vision", name: "prepare", rawPrefix: "events/", curatedPrefix: "events/" },
    });
    assert.deepStrictEqual(rayIssues(settings, CTX), []);
  });

  it("refuses a team that is not the stack's, naming the teams", () => {
    const [issue] = rayIssues(ray({ clusters: [{ team: "speech" }] }), CTX);
    assert.deepStrictEqual(issue.path, ["ray", "clusters", 0, "team"]);
    assert.strictEqual(issue.input, "speech");
    assert.strictEqual(issue.message, "one of the stack's teams: nlp, vision");
  });

  it("refuses a second cluster for the same team (one RayCluster per team namespace)", () => {
    const issues = rayIssues(ray({ clusters: [{ team: "nlp" }, { team: "vision" }, { team: "nlp" }] }), CTX);
    assert.deepStrictEqual(
      issues.map((i) => [i.path.join("."), i.message]),
      [["ray.clusters.2.team", "a team with no other Ray cluster"]],
    );
  });

  it("refuses min above max for CPU and GPU workers, and accepts them equal", () => {
    const settings = ray({
      clusters: [
        { team: "nlp", cpuWorkers: { min: 3, max: 2 }, gpuWorkers: { pool: "a100", gpusPerWorker: 1, min: 2, max: 1 } },
      ],
    });
    const issues = rayIssues(settings, CTX);
    assert.deepStrictEqual(
      issues.map((i) => [i.path.join("."), i.input, i.message]),
      [
        ["ray.clusters.0.cpuWorkers.min", 3, "at most cpuWorkers.max (2)"],
        ["ray.clusters.0.gpuWorkers.min", 2, "at most gpuWorkers.max (1)"],
      ],
    );
    const equal = ray({ clusters: [{ team: "nlp", cpuWorkers: { min: 2, max: 2 } }] });
    assert.deepStrictEqual(rayIssues(equal, CTX), []);
  });

  it("refuses a GPU worker group on a pool the stack does not have, naming the pools (or none)", () => {
    const settings = ray({ clusters: [{ team: "nlp", gpuWorkers: { pool: "h100", gpusPerWorker: 1, max: 1 } }] });
    const [issue] = rayIssues(settings, CTX);
    assert.deepStrictEqual(issue.path, ["ray", "clusters", 0, "gpuWorkers", "pool"]);
    assert.strictEqual(issue.input, "h100");
    assert.strictEqual(issue.message, "one of the stack's GPU pools: a100");
    assert.strictEqual(rayIssues(settings, { ...CTX, pools: [] })[0].message, "one of the stack's GPU pools: none");
  });

  it("refuses more GPUs per worker than a node of the pool has (a2-highgpu-1g: one A100)", () => {
    const one = ray({ clusters: [{ team: "nlp", gpuWorkers: { pool: "a100", gpusPerWorker: 1, max: 1 } }] });
    assert.deepStrictEqual(rayIssues(one, CTX), []);
    const two = ray({ clusters: [{ team: "nlp", gpuWorkers: { pool: "a100", gpusPerWorker: 2, max: 1 } }] });
    const [issue] = rayIssues(two, CTX);
    assert.deepStrictEqual(issue.path, ["ray", "clusters", 0, "gpuWorkers", "gpusPerWorker"]);
    assert.strictEqual(issue.input, 2);
    assert.strictEqual(issue.message, "at most 1, what a node of a100 offers");
  });

  it("refuses a cluster whose maximum exceeds the team's quota, per resource, and accepts one exactly at it", () => {
    const settings = ray({
      clusters: [{ team: "nlp", gpuWorkers: { pool: "a100", gpusPerWorker: 1, max: 9 } }],
    });
    const issues = rayIssues(settings, CTX);
    assert.deepStrictEqual(
      issues.map((i) => [i.path.join("."), i.input]),
      [["ray.clusters.0.gpuWorkers.max", 9]],
    );
    assert.match(
      issues[0].message,
      /team nlp's quota: .* needs gpus 9 > teams\[\]\.quota\.gpus 8; raise the quota or lower/,
    );
    // At 8 GPU workers the GPUs equal the quota: accepted (the quota refuses only above it).
    const atQuota = ray({ clusters: [{ team: "nlp", gpuWorkers: { pool: "a100", gpusPerWorker: 1, max: 8 } }] });
    assert.deepStrictEqual(paths(atQuota), []);
    // vision: 16 CPU, 64 GiB. Head 2.75 CPU / 9.5 GiB; 4 CPU workers of 4 CPU / 16 GiB: 2.75 + 4 x 4.25 = 19.75 CPU,
    // 9.5 + 4 x 17 = 77.5 GiB: both over.
    const big = ray({ clusters: [{ team: "vision", cpuWorkers: { max: 4 } }] });
    const over = rayIssues(big, CTX);
    assert.deepStrictEqual(
      over.map((i) => [i.path.join("."), i.input]),
      [
        ["ray.clusters.0.cpuWorkers.max", 4],
        ["ray.clusters.0.cpuWorkers.max", 4],
      ],
    );
    assert.match(over[0].message, /needs cpu 19\.75 > teams\[\]\.quota\.cpu 16/);
    assert.match(over[1].message, /needs memoryGi 77\.5 > teams\[\]\.quota\.memoryGi 64/);
  });

  it("needs the Docker Hub remote repository for the Ray image only when there are clusters", () => {
    const noCaches = { ...CTX, remoteCaches: false };
    assert.deepStrictEqual(paths(ray({ clusters: [{ team: "nlp" }] }), noCaches), ["artifactRegistry.remoteCaches"]);
    assert.deepStrictEqual(paths(ray(), noCaches), []);
  });

  it("refuses an example job for a team without a Ray cluster, naming the teams that have one", () => {
    const job = { team: "vision", name: "prepare", rawPrefix: "events/", curatedPrefix: "events/" };
    const [issue] = rayIssues(ray({ clusters: [{ team: "nlp" }], exampleJob: job }), CTX);
    assert.deepStrictEqual(issue.path, ["ray", "exampleJob", "team"]);
    assert.strictEqual(issue.input, "vision");
    assert.strictEqual(issue.message, "a team with a Ray cluster (ray.clusters): nlp");
    assert.strictEqual(
      rayIssues(ray({ exampleJob: job }), CTX)[0].message,
      "a team with a Ray cluster (ray.clusters): none",
    );
  });
});
