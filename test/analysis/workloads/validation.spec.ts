import * as assert from "node:assert";
import { container, deployment, limitRange, namespace, problems, simulate, twoPools, workload } from "./fixtures";

/**
 * Object validation of the Pod after the mutating admission plugins (LimitRanger's defaults, the GCS
 * FUSE and KServe webhooks) and before the validating ones. Source: kubernetes
 * pkg/apis/core/validation/validation.go (ValidateResourceRequirements, validatePodResourceRequirements);
 * pkg/apis/core/helper/helpers.go (IsOvercommitAllowed).
 */
const teamLimits = limitRange(
  "team",
  [{ type: "Container", default: { cpu: "1", memory: "2Gi" }, defaultRequest: { cpu: "250m", memory: "512Mi" } }],
  "team-limits",
);

describe("workload simulation: object validation of the admitted Pod (kubernetes pkg/apis/core/validation/validation.go)", () => {
  describe("requests at most limits (ValidateResourceRequirements)", () => {
    it("refuses a container whose request exceeds the limit a LimitRange default gave it, naming the default and the fix; admits it with its own limit", () => {
      const section = simulate(
        twoPools(
          namespace("team"),
          teamLimits,
          deployment("team", "wants-2-cpus", { containers: [container({ requests: { cpu: "2", memory: "1Gi" } })] }),
          deployment("team", "sets-its-limit", {
            containers: [container({ requests: { cpu: "2", memory: "1Gi" }, limits: { cpu: "2", memory: "1Gi" } })],
          }),
          deployment("team", "within-default", {
            containers: [container({ requests: { cpu: "500m", memory: "1Gi" } })],
          }),
        ),
      );
      const refused = workload(section, "wants-2-cpus");
      assert.strictEqual(refused.status, "refused");
      assert.deepStrictEqual(problems(refused), [
        'Validation: spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1 (LimitRange team-limits gave container app its default cpu limit of 1)',
      ]);
      assert.match(
        refused.problems[0].fix,
        /set a cpu limit of at least 2 on container app, or raise the cpu default of LimitRange team-limits/,
      );
      assert.strictEqual(workload(section, "sets-its-limit").status, "runnable");
      assert.strictEqual(workload(section, "within-default").status, "runnable");
    });

    it("refuses an init container whose own request exceeds its limit", () => {
      const w = workload(
        simulate(
          twoPools(
            namespace("team"),
            deployment("team", "init", {
              initContainers: [container({ name: "setup", requests: { memory: "2Gi" }, limits: { memory: "1Gi" } })],
              containers: [container()],
            }),
          ),
        ),
        "init",
      );
      assert.deepStrictEqual(problems(w), [
        'Validation: spec.initContainers[0].resources.requests: Invalid value: "2Gi": must be less than or equal to memory limit of 1Gi',
      ]);
    });
  });

  describe("resources that cannot be overcommitted: extended resources and huge pages (helper.IsOvercommitAllowed)", () => {
    it("refuses nvidia.com/gpu under requests only (Limit must be set), and admits it under limits alone (the request is defaulted to it)", () => {
      const section = simulate(
        twoPools(
          namespace("team"),
          deployment("team", "request-only", {
            containers: [container({ requests: { cpu: "1", memory: "1Gi", "nvidia.com/gpu": "1" } })],
          }),
          deployment("team", "limit-only", {
            containers: [container({ requests: { cpu: "1", memory: "1Gi" }, limits: { "nvidia.com/gpu": "1" } })],
          }),
        ),
      );
      const refused = workload(section, "request-only");
      assert.strictEqual(refused.status, "refused");
      assert.deepStrictEqual(problems(refused), [
        "Validation: spec.containers[0].resources.limits: Required value: Limit must be set for non overcommitable resources (nvidia.com/gpu in container app)",
      ]);
      const admitted = workload(section, "limit-only");
      assert.strictEqual(admitted.status, "runnable");
      assert.strictEqual(admitted.pods[0].requests["nvidia.com/gpu"], "1");
    });

    it("refuses a GPU request that differs from its limit, and a fractional GPU", () => {
      const section = simulate(
        twoPools(
          namespace("team"),
          deployment("team", "unequal", {
            containers: [container({ requests: { "nvidia.com/gpu": "1" }, limits: { "nvidia.com/gpu": "2" } })],
          }),
          deployment("team", "half", { containers: [container({ limits: { "nvidia.com/gpu": "500m" } })] }),
        ),
      );
      assert.deepStrictEqual(problems(workload(section, "unequal")), [
        'Validation: spec.containers[0].resources.requests: Invalid value: "1": must be equal to nvidia.com/gpu limit of 2',
      ]);
      assert.match(
        problems(workload(section, "half"))[0],
        /^Validation: spec\.containers\[0\]\.resources\.limits\[nvidia\.com\/gpu\]: Invalid value: "500m": must be an integer/,
      );
    });

    it("refuses huge pages requested below their limit, unlike memory", () => {
      const section = simulate(
        twoPools(
          namespace("team"),
          deployment("team", "hugepages", {
            containers: [
              container({
                requests: { memory: "1Gi", "hugepages-2Mi": "64Mi" },
                limits: { memory: "1Gi", "hugepages-2Mi": "128Mi" },
              }),
            ],
          }),
          deployment("team", "memory", {
            containers: [container({ requests: { memory: "64Mi" }, limits: { memory: "128Mi" } })],
          }),
        ),
      );
      assert.deepStrictEqual(problems(workload(section, "hugepages")), [
        'Validation: spec.containers[0].resources.requests: Invalid value: "64Mi": must be equal to hugepages-2Mi limit of 128Mi',
      ]);
      assert.strictEqual(workload(section, "memory").status, "runnable");
    });
  });

  describe("injected containers are validated too (the apiserver validates the Pod after its webhooks)", () => {
    it("refuses a GCS FUSE sidecar whose annotated cpu-request exceeds its cpu-limit (gcs-fuse-csi-driver pkg/webhook/config.go populateResource keeps both)", () => {
      const fuse = (annotations: Record<string, string>) =>
        deployment(
          "team",
          "fuse",
          { containers: [container({ requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } })] },
          { annotations: { "gke-gcsfuse/volumes": "true", ...annotations } },
        );
      const refused = workload(
        simulate(twoPools(namespace("team"), fuse({ "gke-gcsfuse/cpu-request": "2", "gke-gcsfuse/cpu-limit": "1" }))),
        "fuse",
      );
      assert.deepStrictEqual(problems(refused), [
        'Validation: spec.initContainers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1',
      ]);
      assert.strictEqual(
        workload(
          simulate(twoPools(namespace("team"), fuse({ "gke-gcsfuse/cpu-request": "1", "gke-gcsfuse/cpu-limit": "2" }))),
          "fuse",
        ).status,
        "runnable",
      );
    });
  });

  describe("Pod-level resources (validatePodResourceRequirements; PodLevelResources on from Kubernetes 1.34)", () => {
    it("refuses Pod-level requests below the containers' aggregate, and admits them at or above it", () => {
      const pod = (cpu: string) => ({
        resources: { requests: { cpu, memory: "2Gi" }, limits: { cpu, memory: "2Gi" } },
        containers: [
          container({ name: "a", requests: { cpu: "1" } }),
          container({ name: "b", requests: { cpu: "1" } }),
        ],
      });
      const section = simulate(
        twoPools(namespace("team"), deployment("team", "small", pod("1500m")), deployment("team", "enough", pod("2"))),
      );
      assert.deepStrictEqual(problems(workload(section, "small")), [
        'Validation: spec.resources.requests[cpu]: Invalid value: "1500m": must be greater than or equal to aggregate container requests of 2',
      ]);
      const admitted = workload(section, "enough");
      assert.strictEqual(admitted.status, "runnable");
      assert.deepStrictEqual(
        [admitted.pods[0].requests.cpu, admitted.pods[0].requests.memory],
        ["2", "2Gi"],
        "the scheduler counts the Pod-level requests (component-helpers resource/helpers.go PodRequests)",
      );
    });
  });
});
