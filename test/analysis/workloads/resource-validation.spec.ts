import * as assert from "node:assert";
import type { LimitRangerDefault } from "../../../policies/lib/analysis/workloads/admission/limit-range";
import { validatePodResources } from "../../../policies/lib/analysis/workloads/admission/validation";
import type { PodObject, Props } from "../../../policies/lib/analysis/workloads/model";

/**
 * Object validation of a Pod's resources, unit by unit. Source: kubernetes
 * pkg/apis/core/validation/validation.go: validateResourceRequirements (per resource: an integer for
 * integer resources, "must be an integer"; a request equal to the limit for resources that cannot be
 * overcommitted, else at most the limit, both reported on the `requests` path; "Limit must be set for
 * non overcommitable resources" on the `limits` path), validatePodResourceRequirements
 * (validatePodResourceName: only cpu and memory at the Pod level, field.NotSupported) and
 * validatePodResourceConsistency (Pod-level requests at least the containers' aggregate, without
 * overhead: AggregateContainerRequests). pkg/apis/core/helper/helpers.go IsOvercommitAllowed.
 */
const podOf = (spec: Props): PodObject => ({
  metadata: { name: "p", namespace: "team", labels: {}, annotations: {} },
  spec,
});
const app = (requests?: Record<string, string>, limits?: Record<string, string>, name = "app"): Props => ({
  name,
  resources: { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) },
});
const validate = (spec: Props, defaults: LimitRangerDefault[] = []) => validatePodResources(podOf(spec), "g", defaults);
const messages = (spec: Props, defaults: LimitRangerDefault[] = []) => validate(spec, defaults).map((p) => p.message);

describe("object validation of a Pod's resources (kubernetes pkg/apis/core/validation/validation.go)", () => {
  describe("validateResourceRequirements, per container", () => {
    it("admits a request equal to its limit, and a native request below it", () => {
      assert.deepStrictEqual(
        messages({ containers: [app({ cpu: "1", memory: "1Gi" }, { cpu: "1", memory: "2Gi" })] }),
        [],
      );
    });

    it("refuses a request above its limit, on the requests path, and says to raise the limit or lower the request", () => {
      const [problem, ...rest] = validate({
        initContainers: [app({ cpu: "2" }, { cpu: "1" }, "init")],
        containers: [app()],
      });
      assert.deepStrictEqual(rest, []);
      assert.deepStrictEqual(
        [problem.pod, problem.step, problem.message],
        [
          "g",
          "Validation",
          'spec.initContainers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1',
        ],
      );
      assert.strictEqual(problem.fix, "raise the cpu limit of container init to at least 2, or lower its request");
      assert.match(problem.source, /validation\.go/);
    });

    it("names a LimitRange default limit as the cause only when it is that container's limit of that resource", () => {
      const spec = { containers: [app({ cpu: "2" }, { cpu: "1" })] };
      const base = { value: "1", limitRange: "lr" };
      const unrelated: LimitRangerDefault[] = [
        { ...base, container: "other", field: "limit", resource: "cpu" },
        { ...base, container: "app", field: "request", resource: "cpu" },
        { ...base, container: "app", field: "limit", resource: "memory" },
      ];
      assert.deepStrictEqual(messages(spec, unrelated), [
        'spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1',
      ]);
      const [caused] = validate(spec, [...unrelated, { ...base, container: "app", field: "limit", resource: "cpu" }]);
      assert.strictEqual(
        caused.message,
        'spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1 (LimitRange lr gave container app its default cpu limit of 1)',
      );
      assert.strictEqual(
        caused.fix,
        "set a cpu limit of at least 2 on container app, or raise the cpu default of LimitRange lr",
      );
    });

    it("requires a limit for a resource that cannot be overcommitted, and a request equal to it", () => {
      const [required] = validate({ containers: [app({ "nvidia.com/gpu": "1" })] });
      assert.strictEqual(
        required.message,
        "spec.containers[0].resources.limits: Required value: Limit must be set for non overcommitable resources (nvidia.com/gpu in container app)",
      );
      assert.match(required.fix, /^put nvidia\.com\/gpu: 1 under limits of container app/);
      const [unequal] = validate({
        containers: [app({ "hugepages-2Mi": "2Mi", memory: "1Gi" }, { "hugepages-2Mi": "4Mi", memory: "1Gi" })],
      });
      assert.strictEqual(
        unequal.message,
        'spec.containers[0].resources.requests: Invalid value: "2Mi": must be equal to hugepages-2Mi limit of 4Mi',
      );
      assert.strictEqual(
        unequal.fix,
        "set the hugepages-2Mi request of container app equal to its limit, or give only the limit",
      );
      assert.deepStrictEqual(messages({ containers: [app({ "nvidia.com/gpu": "2" }, { "nvidia.com/gpu": "2" })] }), []);
    });

    it("requires whole extended resources, under limits and requests", () => {
      const problems = validate({ containers: [app({ "nvidia.com/gpu": "1.5" }, { "nvidia.com/gpu": "1.5" })] });
      assert.deepStrictEqual(
        problems.map((p) => p.message.replace(/Invalid value: "[^"]*"/, "Invalid value")),
        [
          "spec.containers[0].resources.limits[nvidia.com/gpu]: Invalid value: must be an integer",
          "spec.containers[0].resources.requests[nvidia.com/gpu]: Invalid value: must be an integer",
        ],
      );
      for (const p of problems) assert.strictEqual(p.fix, "ask for a whole number of nvidia.com/gpu in container app");
      // cpu is not an integer resource
      assert.deepStrictEqual(messages({ containers: [app({ cpu: "1.5" }, { cpu: "1.5" })] }), []);
    });
  });

  describe("Pod-level resources (validatePodResourceRequirements, validatePodResourceConsistency)", () => {
    it("accepts only cpu and memory at the Pod level", () => {
      const problems = validate({
        resources: { requests: { "nvidia.com/gpu": "1" }, limits: { "nvidia.com/gpu": "1" } },
        containers: [app()],
      });
      assert.deepStrictEqual(
        problems.map((p) => p.message),
        [
          'spec.resources.requests[nvidia.com/gpu]: Unsupported value: "nvidia.com/gpu": supported values: "cpu", "memory"',
          'spec.resources.limits[nvidia.com/gpu]: Unsupported value: "nvidia.com/gpu": supported values: "cpu", "memory"',
        ],
      );
      assert.strictEqual(problems[0].fix, "set nvidia.com/gpu on the containers, not on the Pod");
    });

    it("refuses a Pod-level request above the Pod-level limit, on the requests path; admits it equal", () => {
      const problems = validate({ resources: { requests: { cpu: "3" }, limits: { cpu: "2" } }, containers: [app()] });
      assert.deepStrictEqual(
        problems.map((p) => [p.message, p.fix]),
        [
          [
            'spec.resources.requests: Invalid value: "3": must be less than or equal to cpu limit of 2',
            "raise the Pod's cpu limit to at least its request",
          ],
        ],
      );
      assert.deepStrictEqual(
        messages({ resources: { requests: { cpu: "2" }, limits: { cpu: "2" } }, containers: [app()] }),
        [],
      );
      assert.deepStrictEqual(messages({ resources: { requests: { cpu: "2" } }, containers: [app()] }), []);
    });

    it("compares Pod-level requests with the containers' aggregate, without the Pod overhead", () => {
      const spec = (cpu: string) => ({
        overhead: { cpu: "500m" },
        resources: { requests: { cpu } },
        containers: [app({ cpu: "1" })],
      });
      assert.deepStrictEqual(messages(spec("1")), []);
      const [below] = validate(spec("999m"));
      assert.strictEqual(
        below.message,
        'spec.resources.requests[cpu]: Invalid value: "999m": must be greater than or equal to aggregate container requests of 1',
      );
      assert.strictEqual(below.fix, "raise the Pod's cpu request, or lower its containers'");
    });
  });
});
