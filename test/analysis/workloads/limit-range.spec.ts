import * as assert from "node:assert";
import {
  applyLimitRangeDefaults,
  explainDefault,
  storedLimits,
  validateLimitRanges,
} from "../../../policies/lib/analysis/workloads/admission/limit-range";
import type { PodObject, Props } from "../../../policies/lib/analysis/workloads/model";

/**
 * LimitRanger, unit by unit. Sources (kubernetes): pkg/apis/core/v1/defaults.go
 * SetDefaults_LimitRangeItem (max → default limit, default limit → default request, min → default
 * request, each only where unset); plugin/pkg/admission/limitranger/admission.go
 * mergeContainerResources (only unset values, containers and init containers), minConstraint,
 * maxConstraint, limitRequestRatioConstraint (their error strings and their order of tests),
 * PodValidateLimitFunc (Container and Pod items only; podRequests/podLimits without overhead).
 */
const podOf = (spec: Props): PodObject => ({
  metadata: { name: "p", namespace: "team", labels: {}, annotations: {} },
  spec,
});
const app = (requests?: Record<string, string>, limits?: Record<string, string>, name = "app"): Props => ({
  name,
  resources: { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) },
});
const messages = (spec: Props, limits: Props[]) =>
  validateLimitRanges(podOf(spec), storedLimits("lr", { limits }), "g").map((p) => p.message);

describe("LimitRanger (kubernetes plugin/pkg/admission/limitranger/admission.go)", () => {
  describe("SetDefaults_LimitRangeItem (pkg/apis/core/v1/defaults.go)", () => {
    it("keeps an explicit default request over the default limit, and the default over the min", () => {
      const [item] = storedLimits("lr", {
        limits: [
          {
            type: "Container",
            default: { cpu: "1", memory: "1Gi" },
            defaultRequest: { cpu: "500m" },
            min: { cpu: "100m", memory: "64Mi" },
          },
        ],
      });
      assert.deepStrictEqual(item.defaultRequest, { cpu: "500m", memory: "1Gi" });
      assert.deepStrictEqual(item.derived, { "request:memory": "default" });
    });

    it("keeps an explicit default limit over the max", () => {
      const [item] = storedLimits("lr", { limits: [{ type: "Container", max: { cpu: "2" }, default: { cpu: "1" } }] });
      assert.deepStrictEqual(item.default, { cpu: "1" });
      assert.deepStrictEqual(item.defaultRequest, { cpu: "1" });
    });

    it("defaults nothing for an item that is not a Container item", () => {
      const [item] = storedLimits("lr", { limits: [{ type: "PersistentVolumeClaim", max: { storage: "10Gi" } }] });
      assert.deepStrictEqual([item.default, item.defaultRequest, item.derived], [{}, {}, {}]);
    });
  });

  describe("mergeContainerResources: only what a container does not set, in containers and init containers", () => {
    it("applies the default limit and request to each container lacking them, and names where they came from", () => {
      const pod = podOf({
        initContainers: [app(undefined, undefined, "init")],
        containers: [app({ cpu: "200m" }, { cpu: "400m" })],
      });
      const limits = storedLimits("lr", {
        limits: [
          { type: "Pod", max: { cpu: "4" } },
          { type: "Container", default: { cpu: "1" }, min: { memory: "64Mi" } },
        ],
      });
      const applied = applyLimitRangeDefaults(pod, limits);
      // mergeContainerResources sets, per container, the missing limits and requests (the order of the
      // containers is not part of the result: compare as sets).
      const key = (row: unknown[]) => JSON.stringify(row);
      assert.deepStrictEqual(
        applied
          .map((d) => [d.container, d.field, d.resource, d.value, d.limitRange, d.derivedFrom ?? null])
          .map(key)
          .sort(),
        [
          ["app", "request", "memory", "64Mi", "lr", "min"],
          ["init", "limit", "cpu", "1", "lr", null],
          ["init", "request", "cpu", "1", "lr", null],
          ["init", "request", "memory", "64Mi", "lr", "min"],
        ]
          .map(key)
          .sort(),
      );
      assert.deepStrictEqual(pod.spec.containers[0].resources, {
        requests: { cpu: "200m", memory: "64Mi" },
        limits: { cpu: "400m" },
      });
      assert.deepStrictEqual(pod.spec.initContainers[0].resources, {
        requests: { cpu: "1", memory: "64Mi" },
        limits: { cpu: "1" },
      });
    });

    it("explains a default from the LimitRange (the field, the resource, the value, and a min it came from)", () => {
      const fromMin = explainDefault({
        container: "app",
        field: "request",
        resource: "memory",
        value: "64Mi",
        limitRange: "lr",
        derivedFrom: "min",
      });
      assert.strictEqual(fromMin.message, "LimitRange lr gives container app a request of memory 64Mi (from its min)");
      assert.match(fromMin.fix, /set the container's memory request/);
      assert.match(fromMin.source, /limitranger\/admission\.go/);
      const limitDefault = { container: "app", field: "limit", resource: "cpu", value: "1", limitRange: "lr" } as const;
      const plain = explainDefault(limitDefault);
      assert.strictEqual(plain.message, "LimitRange lr gives container app a limit of cpu 1");
      assert.match(plain.fix, /cpu limit, or change the LimitRange's default/);
      const fromMax = explainDefault({ ...limitDefault, field: "request", derivedFrom: "max" });
      assert.match(fromMax.message, /sets max cpu 1 without a default/);
      assert.match(fromMax.source, /defaults\.go .*; .*limitranger\/admission\.go/);
    });
  });

  describe("minConstraint, maxConstraint and limitRequestRatioConstraint (their strings, their order)", () => {
    const cases: Array<[string, Props, Props, string[]]> = [
      [
        "min, no request",
        { cpu: "100m" },
        app(undefined, { cpu: "1" }),
        ["minimum cpu usage per Container is 100m.  No request is specified"],
      ],
      [
        "min, request one below",
        { cpu: "100m" },
        app({ cpu: "99m" }),
        ["minimum cpu usage per Container is 100m, but request is 99m"],
      ],
      ["min, request equal", { cpu: "100m" }, app({ cpu: "100m" }), []],
      [
        "min, limit below (request fine)",
        { cpu: "100m" },
        app({ cpu: "100m" }, { cpu: "50m" }),
        ["minimum cpu usage per Container is 100m, but limit is 50m"],
      ],
      ["min, limit equal", { cpu: "100m" }, app({ cpu: "200m" }, { cpu: "100m" }), []],
    ];
    for (const [name, min, c, expected] of cases)
      it(`min: ${name}`, () => {
        assert.deepStrictEqual(
          messages({ containers: [c] }, [{ type: "Container", min }]),
          expected.map((m) => `${m} (container app)`),
        );
      });

    const maxCases: Array<[string, Props, string[]]> = [
      ["no limit", app({ memory: "1Gi" }), ["maximum memory usage per Container is 1Gi.  No limit is specified"]],
      ["limit equal", app(undefined, { memory: "1Gi" }), []],
      [
        "limit above",
        app(undefined, { memory: "2Gi" }),
        ["maximum memory usage per Container is 1Gi, but limit is 2Gi"],
      ],
      [
        "request above a fine limit",
        app({ memory: "2Gi" }, { memory: "1Gi" }),
        ["maximum memory usage per Container is 1Gi, but request is 2Gi"],
      ],
      ["request equal", app({ memory: "1Gi" }, { memory: "1Gi" }), []],
    ];
    for (const [name, c, expected] of maxCases)
      it(`max: ${name}`, () => {
        assert.deepStrictEqual(
          messages({ containers: [c] }, [{ type: "Container", max: { memory: "1Gi" } }]),
          expected.map((m) => `${m} (container app)`),
        );
      });

    const ratioCases: Array<[string, Props, string[]]> = [
      [
        "no request",
        app(undefined, { cpu: "2" }),
        ["cpu max limit to request ratio per Container is 2, but no request is specified or request is 0"],
      ],
      [
        "request 0",
        app({ cpu: "0" }, { cpu: "2" }),
        ["cpu max limit to request ratio per Container is 2, but no request is specified or request is 0"],
      ],
      [
        "no limit",
        app({ cpu: "1" }),
        ["cpu max limit to request ratio per Container is 2, but no limit is specified or limit is 0"],
      ],
      ["ratio equal", app({ cpu: "1" }, { cpu: "2" }), []],
      [
        "ratio above",
        app({ cpu: "1" }, { cpu: "3" }),
        ["cpu max limit to request ratio per Container is 2, but provided ratio is 3.000000"],
      ],
    ];
    for (const [name, c, expected] of ratioCases)
      it(`maxLimitRequestRatio: ${name}`, () => {
        assert.deepStrictEqual(
          messages({ containers: [c] }, [{ type: "Container", maxLimitRequestRatio: { cpu: "2" } }]),
          expected.map((m) => `${m} (container app)`),
        );
      });

    it("says what to change, where, and names the LimitRange in the source", () => {
      const problems = validateLimitRanges(
        podOf({ containers: [app(undefined, { cpu: "1" })] }),
        storedLimits("lr", {
          limits: [{ type: "Container", min: { cpu: "100m" }, maxLimitRequestRatio: { memory: "2" } }],
        }),
        "g",
      );
      assert.deepStrictEqual(
        problems.map((p) => [p.pod, p.step]),
        [
          ["g", "LimitRanger"],
          ["g", "LimitRanger"],
        ],
      );
      assert.match(
        problems[0].fix,
        /request at least 100m of cpu in container app, or give LimitRange lr a defaultRequest/,
      );
      assert.match(problems[1].fix, /request memory in container app/);
      for (const p of problems) assert.match(p.source, /limitranger\/admission\.go; LimitRange lr$/);
      const fixes = (c: Props, limits: Props) =>
        validateLimitRanges(
          podOf({ containers: [c] }),
          storedLimits("lr", { limits: [{ type: "Container", ...limits }] }),
          "g",
        ).map((p) => p.fix);
      assert.match(
        fixes(app({ cpu: "50m" }), { min: { cpu: "100m" } })[0],
        /request at least 100m of cpu in container app, or lower the LimitRange's min/,
      );
      assert.match(
        fixes(app({ cpu: "100m" }, { cpu: "50m" }), { min: { cpu: "100m" } })[0],
        /set the cpu limit to at least 100m in container app/,
      );
      assert.match(
        fixes(app(), { max: { cpu: "1" } })[0],
        /set a cpu limit in every container, or remove the max from LimitRange lr/,
      );
      assert.match(
        fixes(app(undefined, { cpu: "2" }), { max: { cpu: "1" } })[0],
        /lower the cpu limit to at most 1 in container app, or raise the max of LimitRange lr/,
      );
      assert.match(
        fixes(app({ cpu: "2" }, { cpu: "1" }), { max: { cpu: "1" } })[0],
        /lower the cpu request to at most 1 in container app/,
      );
      assert.match(
        fixes(app({ cpu: "1" }), { maxLimitRequestRatio: { cpu: "2" } })[0],
        /set a cpu limit in container app/,
      );
      assert.match(
        fixes(app({ cpu: "1" }, { cpu: "3" }), { maxLimitRequestRatio: { cpu: "2" } })[0],
        /cpu limit within 2× the request in container app/,
      );
    });
  });

  describe("PodValidateLimitFunc: Container and Pod items only", () => {
    it("leaves a Pod's overhead out of a Pod item's sums (podRequests/podLimits: ExcludeOverhead)", () => {
      const spec = { overhead: { cpu: "500m" }, containers: [app({ cpu: "2" }, { cpu: "2" })] };
      assert.deepStrictEqual(messages(spec, [{ type: "Pod", max: { cpu: "2" } }]), []);
      assert.deepStrictEqual(
        messages({ ...spec, containers: [app({ cpu: "2" }, { cpu: "2100m" })] }, [{ type: "Pod", max: { cpu: "2" } }]),
        ["maximum cpu usage per Pod is 2, but limit is 2100m (the Pod's containers)"],
      );
    });

    it("ignores a PersistentVolumeClaim item when admitting a Pod", () => {
      assert.deepStrictEqual(
        messages({ containers: [app()] }, [{ type: "PersistentVolumeClaim", max: { storage: "1Gi" } }]),
        [],
      );
    });
  });
});
