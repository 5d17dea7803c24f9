import * as assert from "node:assert";
import { rayClusterBounds } from "../../../policies/governance/policies/ray-cluster-bounds";
import { messagesOf } from "../../helpers/policy";
import { clusterSpec, QUEUE, rayCluster } from "./ray-fixtures";

const RAY_JOB = "kubernetes:ray.io/v1:RayJob";

const rayJob = (spec: Record<string, unknown>) => ({
  type: RAY_JOB,
  name: "rj",
  inputs: { metadata: { name: "prep", namespace: "team-vision", labels: QUEUE }, spec },
});

describe("policy cnai-ray-cluster-bounds", () => {
  it("passes a queued, elastic, bounded RayCluster and a RayJob that shuts its cluster down", async () => {
    const job = rayJob({
      shutdownAfterJobFinishes: true,
      rayClusterSpec: clusterSpec({ enableInTreeAutoscaling: undefined }, [
        { groupName: "cpu", replicas: 2, minReplicas: 2, maxReplicas: 2 },
      ]),
    });
    assert.deepStrictEqual(await messagesOf(rayClusterBounds, [rayCluster(), job]), []);
  });

  it("reports a missing queue label, a missing elastic annotation and unbounded or too large worker groups", async () => {
    const messages = await messagesOf(rayClusterBounds, [
      rayCluster(
        {},
        {},
        clusterSpec({}, [
          { groupName: "cpu", minReplicas: 0 },
          { groupName: "gpu", maxReplicas: 500 },
        ]),
      ),
    ]);
    assert.deepStrictEqual(messages, [
      "RayCluster team-vision/data-prep has no kueue.x-k8s.io/queue-name label: Kueue does not queue it against the team's quota. Add the label with the namespace's LocalQueue.",
      'RayCluster team-vision/data-prep autoscales without the kueue.x-k8s.io/elastic-job: "true" annotation: Kueue does not let a non-elastic RayCluster scale. Add the annotation.',
      "RayCluster team-vision/data-prep worker group cpu has no maxReplicas: its size is unbounded. Set maxReplicas (at most 100).",
      "RayCluster team-vision/data-prep worker group gpu may grow to 500 replicas, above the 100 allowed. Lower maxReplicas.",
    ]);
  });

  it("reports a RayJob that keeps its cluster or autoscales, and honours maxReplicas from config", async () => {
    const messages = await messagesOf(rayClusterBounds, [rayJob({ rayClusterSpec: clusterSpec() })], {
      maxReplicas: 2,
    });
    assert.deepStrictEqual(messages, [
      "RayJob team-vision/prep keeps its Ray cluster after the job: set spec.shutdownAfterJobFinishes: true (Kueue requires it) and a ttlSecondsAfterFinished.",
      "RayJob team-vision/prep enables in-tree autoscaling: Kueue admits a RayJob at a fixed size. Give its worker groups fixed replicas.",
      "RayJob team-vision/prep worker group cpu may grow to 4 replicas, above the 2 allowed. Lower maxReplicas.",
    ]);
  });

  // KubeRay raycluster_types.go: maxReplicas bounds a group, minReplicas may not exceed it (KubeRay then runs
  // maxReplicas); the configured bound is inclusive ("at most").
  it("admits maxReplicas equal to the bound, and minReplicas up to maxReplicas or left out", async () => {
    const cases: [Record<string, unknown>, string[]][] = [
      [{ groupName: "w", maxReplicas: 100 }, []],
      [{ groupName: "w", minReplicas: 100, maxReplicas: 100 }, []],
      [
        { groupName: "w", maxReplicas: 101 },
        [
          "RayCluster team-vision/data-prep worker group w may grow to 101 replicas, above the 100 allowed. Lower maxReplicas.",
        ],
      ],
      [
        { groupName: "w", minReplicas: 3, maxReplicas: 2 },
        ["RayCluster team-vision/data-prep worker group w has minReplicas 3 above maxReplicas 2."],
      ],
    ];
    for (const [group, expected] of cases)
      assert.deepStrictEqual(
        await messagesOf(rayClusterBounds, [
          rayCluster(QUEUE, { "kueue.x-k8s.io/elastic-job": "true" }, clusterSpec({}, [group])),
        ]),
        expected,
        JSON.stringify(group),
      );
  });

  // Kueue rayjobs.md: a RayJob that runs on an existing cluster (spec.clusterSelector) creates none, so it
  // need not shut one down.
  it("passes a RayJob on an existing cluster without shutdownAfterJobFinishes, and ignores non-Ray objects", async () => {
    const onExisting = rayJob({ entrypoint: "python etl.py", clusterSelector: { "ray.io/cluster": "shared" } });
    const deployment = {
      type: "kubernetes:apps/v1:Deployment",
      name: "web",
      inputs: { metadata: { name: "web" }, spec: { template: { spec: { containers: [] } } } },
    };
    assert.deepStrictEqual(await messagesOf(rayClusterBounds, [onExisting, deployment]), []);
  });
});
