import * as assert from "node:assert";
import { containersOf, isKubernetes, podSpecsOf, regionOfLocation } from "../../../policies/lib/resources";

const pod = (name: string) => ({ containers: [{ name, image: `${name}:1` }] });

describe("policies/lib/resources", () => {
  describe("isKubernetes", () => {
    // pulumi-kubernetes' component resources (helm.sh/v3:Release, helm.sh/v4:Chart, kustomize/v2:Directory,
    // yaml/v2:ConfigGroup) are not objects of the cluster: their children are.
    const cases: [string, boolean][] = [
      ["kubernetes:apps/v1:Deployment", true],
      ["kubernetes:core/v1:Service", true],
      ["kubernetes:ray.io/v1:RayCluster", true],
      ["kubernetes:helm.sh/v3:Release", false],
      ["kubernetes:helm.sh/v4:Chart", false],
      ["kubernetes:kustomize/v2:Directory", false],
      ["kubernetes:yaml/v2:ConfigGroup", false],
      ["gcp:container/cluster:Cluster", false],
      ["gcp:cloudrunv2/service:Service", false],
    ];
    for (const [type, expected] of cases)
      it(`${type} → ${expected}`, () => assert.strictEqual(isKubernetes(type), expected));
  });

  describe("podSpecsOf", () => {
    it("reads no Pod spec from a Deployment without a template spec", () => {
      assert.deepStrictEqual(podSpecsOf("kubernetes:apps/v1:Deployment", { spec: { replicas: 1 } }), []);
    });

    it("reads a PyTorchJob's replica templates, skipping a replica without one (kubeflow PyTorchJob pytorchReplicaSpecs)", () => {
      const master = pod("master");
      const worker = pod("worker");
      const props = {
        spec: {
          pytorchReplicaSpecs: {
            Master: { replicas: 1, template: { spec: master } },
            Worker: { replicas: 2, template: { spec: worker } },
            Broken: { replicas: 1 },
          },
        },
      };
      assert.deepStrictEqual(podSpecsOf("kubeflow.org/v1:PyTorchJob", props), [
        { path: "spec.pytorchReplicaSpecs.Master.template.spec", spec: master, role: "workload" },
        { path: "spec.pytorchReplicaSpecs.Worker.template.spec", spec: worker, role: "workload" },
      ]);
      assert.deepStrictEqual(podSpecsOf("kubernetes:kubeflow.org/v1:PyTorchJob", { spec: {} }), []);
    });

    // Kubeflow Trainer v2: (Cluster)TrainingRuntime spec.template.spec.replicatedJobs[].template is a JobSet
    // ReplicatedJob's Job template, whose spec.template.spec is the Pod spec.
    for (const kind of ["TrainingRuntime", "ClusterTrainingRuntime"])
      it(`reads a ${kind}'s replicated Jobs as templates, none when it has no replicatedJobs`, () => {
        const node = pod("node");
        const props = {
          spec: {
            template: {
              spec: {
                replicatedJobs: [
                  { name: "initializer", template: { spec: {} } },
                  { name: "node", template: { spec: { template: { spec: node } } } },
                ],
              },
            },
          },
        };
        assert.deepStrictEqual(podSpecsOf(`kubernetes:trainer.kubeflow.org/v1alpha1:${kind}`, props), [
          { path: "spec.template.spec.replicatedJobs.1.template.spec.template.spec", spec: node, role: "template" },
        ]);
        assert.deepStrictEqual(podSpecsOf(`kubernetes:trainer.kubeflow.org/v1alpha1:${kind}`, { spec: {} }), []);
      });

    it("reads an InferenceService's predictor, transformer and explainer (KServe v1beta1 components)", () => {
      const props = {
        spec: { predictor: pod("predictor"), transformer: pod("transformer"), explainer: pod("explainer") },
      };
      assert.deepStrictEqual(
        podSpecsOf("kubernetes:serving.kserve.io/v1beta1:InferenceService", props).map((p) => [p.path, p.role]),
        [
          ["spec.predictor", "workload"],
          ["spec.transformer", "workload"],
          ["spec.explainer", "workload"],
        ],
      );
    });

    for (const kind of ["ServingRuntime", "ClusterServingRuntime"])
      it(`reads a ${kind}'s spec as a template (KServe fills it into each predictor), nothing without a spec`, () => {
        const spec = { supportedModelFormats: [{ name: "huggingface" }], ...pod("kserve-container") };
        assert.deepStrictEqual(podSpecsOf(`kubernetes:serving.kserve.io/v1alpha1:${kind}`, { spec }), [
          { path: "spec", spec, role: "template" },
        ]);
        assert.deepStrictEqual(podSpecsOf(`kubernetes:serving.kserve.io/v1alpha1:${kind}`, {}), []);
      });
  });

  describe("containersOf", () => {
    it("lists init containers and containers with their paths", () => {
      const props = {
        spec: {
          template: {
            spec: { initContainers: [{ name: "fetch", image: "f" }], containers: [{ name: "main", image: "m" }] },
          },
        },
      };
      assert.deepStrictEqual(
        containersOf("kubernetes:apps/v1:Deployment", props).map((c) => [c.path, c.container.name]),
        [
          ["spec.template.spec.initContainers.0", "fetch"],
          ["spec.template.spec.containers.0", "main"],
        ],
      );
    });

    it("reads a TrainJob's trainer with resourcesPerNode as its resources, and nothing when the TrainJob keeps the runtime's", () => {
      // trainer.kubeflow.org/v1alpha1 TrainJob: spec.trainer is optional (the runtime's trainer node applies).
      const trainer = { image: "pytorch:2", resourcesPerNode: { limits: { "nvidia.com/gpu": 1 } } };
      const found = containersOf("kubernetes:trainer.kubeflow.org/v1alpha1:TrainJob", { spec: { trainer } });
      assert.deepStrictEqual(found, [
        { path: "spec.trainer", container: { ...trainer, resources: trainer.resourcesPerNode }, role: "workload" },
      ]);
      assert.deepStrictEqual(
        containersOf("kubernetes:trainer.kubeflow.org/v1alpha1:TrainJob", { spec: { runtimeRef: { name: "torch" } } }),
        [],
      );
      // Only a TrainJob has a trainer; a field of that name elsewhere is not a container.
      assert.deepStrictEqual(containersOf("kubernetes:apps/v1:Deployment", { spec: { trainer } }), []);
    });
  });

  describe("regionOfLocation", () => {
    // Zones are <region>-<letter> (cloud.google.com/compute/docs/regions-zones); regions may have two-digit
    // numbers (europe-west10 Berlin, europe-west12 Turin).
    const cases: [unknown, string | undefined][] = [
      ["us-central1", "us-central1"],
      ["us-central1-a", "us-central1"],
      ["EUROPE-WEST4-B", "europe-west4"],
      ["europe-west10-a", "europe-west10"],
      ["northamerica-northeast1-c", "northamerica-northeast1"],
      ["projects/p/locations/us-central1-a", "projects/p/locations/us-central1-a"],
      ["US", "us"],
      [undefined, undefined],
      [42, undefined],
    ];
    for (const [location, expected] of cases)
      it(`${String(location)} → ${String(expected)}`, () => assert.strictEqual(regionOfLocation(location), expected));
  });
});
