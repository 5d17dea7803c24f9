import * as assert from "node:assert";
import { resolveConfig } from "../../stacks/config/load";
import { defaultPrefix } from "../../stacks/config/profiles";

const minimal = (extra: Record<string, string> = {}) => ({
  "gcp:project": "acme-ml-x",
  "gcp:region": "us-central1",
  "cnai-platform:team": "ml",
  "cnai-platform:costCenter": "cc-1",
  "cnai-platform:observability": JSON.stringify({
    budget: { billingAccount: "01A2B3-C4D5E6-F7A8B9", monthlyUsd: 1000 },
  }),
  ...extra,
});

const settingsOf = (stack: string, extra: Record<string, string> = {}) =>
  resolveConfig({ stack, file: `stacks/Pulumi.${stack}.yaml`, values: minimal(extra) });

describe("environment profiles", () => {
  it("dev: zonal in the region's first zone, REGULAR, spot system pool, no deletion protection, Google-managed keys, spot GPUs from zero", () => {
    const { settings, profile } = settingsOf("dev");
    assert.strictEqual(profile, "dev");
    assert.deepStrictEqual(settings.zones, ["us-central1-a"]);
    assert.deepStrictEqual(
      {
        location: settings.cluster.location,
        channel: settings.cluster.releaseChannel,
        protection: settings.cluster.deletionProtection,
        autoscaler: settings.cluster.autoscalingProfile,
        privateEndpoint: settings.cluster.privateEndpoint,
      },
      {
        location: "zonal",
        channel: "REGULAR",
        protection: false,
        autoscaler: "OPTIMIZE_UTILIZATION",
        privateEndpoint: false,
      },
    );
    assert.deepStrictEqual(settings.cluster.systemPool, {
      machineType: "e2-standard-4",
      min: 1,
      max: 3,
      spot: true,
      diskSizeGb: 50,
    });
    assert.deepStrictEqual(settings.encryption, { customerManagedKeys: false, keyRotationDays: 90 });
    assert.strictEqual(settings.prefix, "cnai-dev");
  });

  it("a stack without teams gets one named after its team label, as a Kubernetes name (no '_': RFC 1123)", () => {
    const { settings } = settingsOf("dev", { "cnai-platform:team": "ml_research_and_platform_engineering" });
    // https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-label-names; at most 30 characters (teams[].name).
    assert.deepStrictEqual(
      settings.teams.map((t) => t.name),
      ["ml-research-and-platform-engin"],
    );
  });

  it("staging: regional over three zones, deletion protection, on-demand system pool", () => {
    const { settings } = settingsOf("staging");
    assert.deepStrictEqual(settings.zones, ["us-central1-a", "us-central1-b", "us-central1-c"]);
    assert.deepStrictEqual(
      [settings.cluster.location, settings.cluster.deletionProtection, settings.cluster.systemPool.spot],
      ["regional", true, false],
    );
    assert.strictEqual(settings.encryption.customerManagedKeys, false);
  });

  it("prod: regional, STABLE, deletion protection, customer-managed keys, a larger on-demand system pool", () => {
    const { settings } = settingsOf("prod");
    assert.deepStrictEqual(
      [
        settings.cluster.location,
        settings.cluster.releaseChannel,
        settings.cluster.deletionProtection,
        settings.encryption.customerManagedKeys,
      ],
      ["regional", "STABLE", true, true],
    );
    assert.deepStrictEqual(settings.cluster.systemPool, {
      machineType: "e2-standard-8",
      min: 3,
      max: 6,
      spot: false,
      diskSizeGb: 100,
    });
  });

  it("GPU pools get their profile's capacity (spot outside prod, on demand in prod) and the schema's defaults", () => {
    const pools = JSON.stringify([
      { name: "l4", machineType: "g2-standard-8", accelerator: { type: "nvidia-l4" }, autoscaling: { max: 2 } },
    ]);
    const dev = settingsOf("dev", { "cnai-platform:gpuPools": pools }).settings.gpuPools[0];
    assert.deepStrictEqual(dev, {
      name: "l4",
      // The pool's first generation: GKE node pool gpu-l4 (docs/safe-gpu-pool-change.md).
      generation: 1,
      machineType: "g2-standard-8",
      accelerator: { type: "nvidia-l4", driverVersion: "DEFAULT" },
      autoscaling: { min: 0, max: 2, locationPolicy: "ANY" },
      capacity: { type: "spot" },
      compactPlacement: false,
      workloadType: "training",
      diskSizeGb: 200,
      imageStreaming: true,
    });
    assert.strictEqual(
      settingsOf("prod", { "cnai-platform:gpuPools": pools }).settings.gpuPools[0].capacity.type,
      "on-demand",
    );
  });

  it("a fork picks its profile by name and overrides only what it sets; lists replace, mappings merge", () => {
    const { settings, profile, stack } = resolveConfig({
      stack: "research-eu",
      file: "stacks/Pulumi.research-eu.yaml",
      values: minimal({
        "gcp:region": "europe-north1",
        "cnai-platform:profile": "prod",
        "cnai-platform:cluster": JSON.stringify({ releaseChannel: "REGULAR", systemPool: { max: 4 } }),
        "cnai-platform:zones": JSON.stringify(["europe-north1-b"]),
      }),
    });
    assert.deepStrictEqual([stack, profile, settings.prefix], ["research-eu", "prod", "cnai-research-eu"]);
    assert.strictEqual(settings.cluster.releaseChannel, "REGULAR");
    assert.deepStrictEqual(settings.cluster.systemPool, {
      machineType: "e2-standard-8",
      min: 3,
      max: 4,
      spot: false,
      diskSizeGb: 100,
    });
    assert.deepStrictEqual(settings.zones, ["europe-north1-b"]);
    assert.strictEqual(settings.cluster.deletionProtection, true);
  });

  it("derives a prefix from the stack name within 16 characters", () => {
    assert.strictEqual(defaultPrefix("dev"), "cnai-dev");
    assert.strictEqual(defaultPrefix("Team_A.Experiments"), "cnai-team-a-expe");
    assert.ok(defaultPrefix("a-very-long-stack-name-indeed").length <= 16);
  });

  it("reads scalar config as the CLI passes it: text for strings, JSON for numbers and booleans in mappings", () => {
    const { settings } = settingsOf("dev", {
      "cnai-platform:costCenter": "1001",
      "cnai-platform:encryption": '{"customerManagedKeys":true,"keyRotationDays":30}',
    });
    assert.strictEqual(settings.costCenter, "1001");
    assert.deepStrictEqual(settings.encryption, { customerManagedKeys: true, keyRotationDays: 30 });
  });
});
