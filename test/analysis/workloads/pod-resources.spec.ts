import * as assert from "node:assert";
import type { JsonObject } from "../../../components/json";
import {
  allContainers,
  defaultPodLevelRequests,
  isExtendedResource,
  podAmounts,
} from "../../../policies/lib/analysis/workloads/pod-resources";

type Props = JsonObject;
const Gi = 2 ** 30;
const Mi = 2 ** 20;
const c = (name: string, requests?: Props, limits?: Props, restartPolicy?: string): Props => ({
  name,
  ...(restartPolicy ? { restartPolicy } : {}),
  resources: { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) },
});

/**
 * A Pod's requests and limits as kubernetes staging/src/k8s.io/component-helpers/resource/helpers.go
 * counts them (PodRequests, PodLimits, AggregateContainerRequests: containers plus restartable init
 * containers, or the largest init container plus the sidecars started before it; Pod-level
 * spec.resources for cpu and memory; Pod overhead added to every request, and only to the limits the
 * Pod sets), and the API server's defaulting of Pod-level requests (pkg/apis/core/v1/defaults.go
 * defaultPodRequests).
 */
describe("workload simulation: a Pod's requests and limits (component-helpers resource/helpers.go)", () => {
  describe("podAmounts", () => {
    it("sums the app containers and sidecars, or the largest init container with the sidecars before it", () => {
      const spec: Props = {
        initContainers: [
          c("side-a", { cpu: "100m", memory: "64Mi" }, undefined, "Always"),
          c("init", { cpu: "2", memory: "100Mi" }),
          c("side-b", { cpu: "200m" }, undefined, "Always"),
        ],
        containers: [c("app", { cpu: "500m", memory: "1Gi" }), c("extra", { cpu: "250m" })],
      };
      // containers + sidecars: cpu 500+250+100+200 = 1050m, memory 1Gi+64Mi; init: 2000m + side-a 100m = 2100m, 164Mi.
      assert.deepStrictEqual(podAmounts(spec, "requests"), { cpu: 2100, memory: Gi + 64 * Mi });
    });

    it("counts a sidecar for the whole Pod's life: a later small init container does not lower it", () => {
      const spec: Props = {
        initContainers: [c("side", { cpu: "1" }, undefined, "Always"), c("init", { cpu: "100m" })],
        containers: [c("app", { cpu: "1" })],
      };
      assert.deepStrictEqual(podAmounts(spec, "requests"), { cpu: 2000 });
    });

    it("adds the Pod overhead to every request, also for a resource no container asks for", () => {
      const spec: Props = {
        containers: [c("app", { cpu: "1" })],
        overhead: { cpu: "250m", memory: "120Mi" },
      };
      assert.deepStrictEqual(podAmounts(spec, "requests"), { cpu: 1250, memory: 120 * Mi });
      // LimitRanger's podRequests and AggregateContainerRequests leave the overhead out.
      assert.deepStrictEqual(podAmounts(spec, "requests", false), { cpu: 1000 });
    });

    it("adds the Pod overhead only to the limits the Pod sets (PodLimits)", () => {
      const spec: Props = {
        containers: [c("app", undefined, { cpu: "1" })],
        overhead: { cpu: "250m", memory: "120Mi" },
      };
      assert.deepStrictEqual(podAmounts(spec, "limits"), { cpu: 1250 });
    });

    it("takes the Pod-level cpu and memory in place of the containers' aggregate, but no other Pod-level resource", () => {
      const spec: Props = {
        resources: { requests: { cpu: "3", memory: "2Gi", "ephemeral-storage": "5Gi" } },
        containers: [c("app", { cpu: "1", memory: "1Gi", "ephemeral-storage": "1Gi" })],
      };
      assert.deepStrictEqual(podAmounts(spec, "requests"), { cpu: 3000, memory: 2 * Gi, "ephemeral-storage": Gi });
    });

    it("reads a Pod without containers or resources as asking for nothing", () => {
      assert.deepStrictEqual(podAmounts({}, "requests"), {});
      assert.deepStrictEqual(podAmounts({ containers: [{ name: "app" }] }, "limits"), {});
      assert.deepStrictEqual(
        allContainers({ initContainers: [c("i")], containers: [c("a")] }).map((x) => x.name),
        ["i", "a"],
      );
    });
  });

  describe("defaultPodLevelRequests (defaults.go defaultPodRequests)", () => {
    it("fills each missing Pod-level request from the containers' aggregate, else from the Pod-level limit", () => {
      const spec: Props = {
        resources: { limits: { cpu: "2", memory: "1Gi" } },
        containers: [c("app", { cpu: "500m" })],
        overhead: { cpu: "250m" },
      };
      defaultPodLevelRequests(spec);
      // The aggregate leaves the overhead out: 500m, not 750m.
      assert.deepStrictEqual(spec.resources.requests, { cpu: "500m", memory: "1Gi" });
      assert.deepStrictEqual(spec.resources.limits, { cpu: "2", memory: "1Gi" });
    });

    it("defaults only the resources the Pod-level limits or the containers name", () => {
      const spec: Props = { resources: { limits: { cpu: "2" } }, containers: [c("app")] };
      defaultPodLevelRequests(spec);
      assert.deepStrictEqual(spec.resources.requests, { cpu: "2" });
    });

    it("keeps a Pod-level request the Pod sets", () => {
      const spec: Props = {
        resources: { requests: { cpu: "1500m" }, limits: { cpu: "2", memory: "1Gi" } },
        containers: [c("app", { cpu: "500m", memory: "256Mi" })],
      };
      defaultPodLevelRequests(spec);
      assert.deepStrictEqual(spec.resources.requests, { cpu: "1500m", memory: "256Mi" });
    });

    it("defaults nothing without Pod-level limits (nil or empty)", () => {
      for (const resources of [undefined, {}, { limits: {} }, { requests: { cpu: "1" }, limits: {} }]) {
        const spec: Props = { ...(resources ? { resources } : {}), containers: [c("app", { cpu: "500m" })] };
        defaultPodLevelRequests(spec);
        assert.deepStrictEqual(spec.resources, resources);
      }
    });
  });

  describe("isExtendedResource (v1helper.IsExtendedResourceName)", () => {
    const cases: Array<[string, boolean]> = [
      ["nvidia.com/gpu", true],
      ["example.com/foo", true],
      ["cpu", false],
      ["memory", false],
      ["ephemeral-storage", false],
      ["hugepages-2Mi", false],
      // Native: any name containing kubernetes.io/ (IsPrefixedNativeResource).
      ["kubernetes.io/foo", false],
      ["foo.kubernetes.io/bar", false],
      // A quota name is not a resource.
      ["requests.example.com/foo", false],
    ];
    for (const [name, expected] of cases) {
      it(`${name}: ${expected}`, () => assert.strictEqual(isExtendedResource(name), expected));
    }
  });
});
