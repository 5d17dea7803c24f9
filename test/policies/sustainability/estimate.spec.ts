import * as assert from "node:assert";
import type { JsonObject } from "../../../components/json";
import { estimatePlan } from "../../../policies/lib/estimate";
import type { TestResource } from "../../helpers/policy";
import { cloudRun, pool } from "./fixtures";

/** estimatePlan's input from the test fixtures. */
const input = (...resources: TestResource[]) =>
  resources.map((r, i) => ({
    urn: `urn:pulumi:t::cnai-platform::${r.type}::${r.name ?? i}`,
    type: r.type,
    props: r.inputs as JsonObject,
  }));

/**
 * The reference pool, figures by hand: g2-standard-24 carries 2 NVIDIA L4 (72 W each); us-central1's grid is
 * 412.72 gCO2eq/kWh with 87 % CFE; on demand it costs $2.000833 an hour, Spot $1.200136; a month is 730 h; PUE 1.09.
 */
const reference = (options: Parameters<typeof pool>[0] = {}) =>
  pool({
    name: "ref",
    machineType: "g2-standard-24",
    accelerator: { type: "nvidia-l4", count: 2 },
    autoscaling: { totalMinNodeCount: 1, totalMaxNodeCount: 3 },
    ...options,
  });

describe("cost and carbon estimate (policies/lib/estimate.ts)", () => {
  it("computes GPUs, energy, CO2e (location-based and CFE-adjusted) and cost of an on-demand pool", () => {
    const e = estimatePlan(input(reference()));
    assert.deepStrictEqual(e.gpus, { idle: 2, max: 6 });
    // 6 GPUs × 0.072 kW × 730 h × 1.09 = 343.7424 kWh; 2 GPUs: 114.5808 kWh
    assert.deepStrictEqual(e.energyKwhPerMonth, { idle: 114.6, max: 343.7 });
    // × 412.72 g/kWh = 141.87 kg; 47.29 kg
    assert.deepStrictEqual(e.co2eKgPerMonth, { idle: 47.3, max: 141.9 });
    // × (1 − 0.87) = 18.44 kg; 6.15 kg
    assert.deepStrictEqual(e.co2eKgPerMonthCfeAdjusted, { idle: 6.1, max: 18.4 });
    // 3 nodes × $2.000833 × 730 h = $4,381.82; 1 node: $1,460.61
    assert.deepStrictEqual(e.costUsdPerMonth, { idle: 1460.61, max: 4381.82 });
    assert.deepStrictEqual(e.unpriced, []);
    assert.deepStrictEqual(
      e.lines.map((l) => [l.kind, l.region, l.accelerator, l.capacity, l.gpus, l.costUsdPerMonth]),
      [["node-pool", "us-central1", "nvidia-l4", "on-demand", { idle: 2, max: 6 }, { idle: 1460.61, max: 4381.82 }]],
    );
    assert.deepStrictEqual(e.method, {
      hoursPerMonth: 730,
      pue: 1.09,
      priceTable: "us-central1 list prices of 2026-08-20, Cloud Run GPU instances (Tier 1) of 2026-04-15",
      carbonData: "Google Cloud region carbon data, 2024 (grid gCO2eq/kWh and CFE)",
    });
  });

  it("prices a Spot pool at the Spot price", () => {
    const e = estimatePlan(input(reference({ spot: true })));
    // 3 × $1.200136 × 730 = $2,628.30
    assert.deepStrictEqual(e.costUsdPerMonth, { idle: 876.1, max: 2628.3 });
    assert.strictEqual(e.lines[0].capacity, "spot");
  });

  it("multiplies per-zone autoscaling limits by the zones: node locations, else 3 for a region, 1 for a zone", () => {
    const perZone = { minNodeCount: 0, maxNodeCount: 2 };
    const twoZones = estimatePlan(
      input(reference({ autoscaling: perZone, nodeLocations: ["us-central1-a", "us-central1-b"] })),
    );
    assert.deepStrictEqual(twoZones.gpus, { idle: 0, max: 8 });
    assert.deepStrictEqual(estimatePlan(input(reference({ autoscaling: perZone }))).gpus, { idle: 0, max: 12 });
    assert.deepStrictEqual(estimatePlan(input(reference({ autoscaling: perZone, location: "us-central1-a" }))).gpus, {
      idle: 0,
      max: 4,
    });
  });

  it("counts a fixed node count (per zone) at both idle and max", () => {
    const e = estimatePlan(input(reference({ autoscaling: null, nodeCount: 2, location: "us-central1-a" })));
    assert.deepStrictEqual(e.gpus, { idle: 4, max: 4 });
    // 2 nodes × $2.000833 × 730 = $2,921.22
    assert.deepStrictEqual(e.costUsdPerMonth, { idle: 2921.22, max: 2921.22 });
  });

  it("prices an N1 machine with attached T4s from host and GPU prices", () => {
    const t4 = pool({
      name: "t4",
      machineType: "n1-standard-8",
      accelerator: { type: "nvidia-tesla-t4", count: 1 },
      autoscaling: { totalMinNodeCount: 1, totalMaxNodeCount: 1 },
    });
    // host 8 × $0.031611 + 30 GiB × $0.004237 = $0.379998, plus one T4 at $0.35: $0.729998 × 730 = $532.90
    assert.deepStrictEqual(estimatePlan(input(t4)).costUsdPerMonth, { idle: 532.9, max: 532.9 });
  });

  it("counts machine types the price table lacks in GPUs and energy, lists them as unpriced, and leaves their cost out", () => {
    const b200 = pool({
      name: "b200",
      machineType: "a4-highgpu-8g",
      accelerator: null,
      autoscaling: { totalMinNodeCount: 0, totalMaxNodeCount: 1 },
    });
    const e = estimatePlan(input(b200, reference()));
    assert.deepStrictEqual(e.unpriced, ["a4-highgpu-8g (b200)"]);
    assert.deepStrictEqual(e.gpus, { idle: 2, max: 14 });
    // B200 8 × 1 kW × 730 × 1.09 = 6,365.6 kWh, plus the reference pool's 343.7424
    assert.deepStrictEqual(e.energyKwhPerMonth, { idle: 114.6, max: 6709.3 });
    assert.deepStrictEqual(e.costUsdPerMonth, { idle: 1460.61, max: 4381.82 });
    assert.strictEqual(e.lines[0].costUsdPerMonth, null);
  });

  it("replaces table prices with the configured ones, and says so in the method", () => {
    const e = estimatePlan(input(reference(), reference({ name: "spot", spot: true })), {
      prices: { "g2-standard-24": { onDemand: 1, spot: 0.5 } },
    });
    // on demand 3 × $1 × 730 = $2,190; Spot 3 × $0.5 × 730 = $1,095
    assert.deepStrictEqual(
      e.lines.map((l) => l.costUsdPerMonth),
      [
        { idle: 730, max: 2190 },
        { idle: 365, max: 1095 },
      ],
    );
    assert.strictEqual(
      e.method.priceTable,
      "us-central1 list prices of 2026-08-20, Cloud Run GPU instances (Tier 1) of 2026-04-15, 1 overridden in config",
    );
  });

  it("applies the configured PUE to energy and carbon, not to cost", () => {
    const e = estimatePlan(input(reference()), { pue: 1.2 });
    // 6 × 0.072 × 730 × 1.2 = 378.432 kWh; × 412.72 g = 156.19 kg
    assert.deepStrictEqual(e.energyKwhPerMonth.max, 378.4);
    assert.deepStrictEqual(e.co2eKgPerMonth.max, 156.2);
    assert.deepStrictEqual(e.costUsdPerMonth.max, 4381.82);
    assert.strictEqual(e.method.pue, 1.2);
  });

  it("counts Cloud Run GPU instances from min to max instances, priced from Cloud Run's list price (instance-based, Tier 1)", () => {
    const e = estimatePlan(
      input(
        cloudRun({ name: "chat", location: "europe-west4", scaling: { minInstanceCount: 1, maxInstanceCount: 3 } }),
      ),
    );
    assert.deepStrictEqual(e.gpus, { idle: 1, max: 3 });
    // 3 × 0.072 × 730 × 1.09 = 171.8712 kWh; × 208.81 g = 35.89 kg; × (1 − 0.83) = 6.10 kg
    assert.deepStrictEqual(e.energyKwhPerMonth.max, 171.9);
    assert.deepStrictEqual(e.co2eKgPerMonth.max, 35.9);
    assert.deepStrictEqual(e.co2eKgPerMonthCfeAdjusted.max, 6.1);
    assert.deepStrictEqual(e.unpriced, []);
    // Cloud Run pricing, instance-based billing, Tier 1: 8 vCPU × $0.000018 + 32 GiB × $0.000002 + 1 L4 × $0.0001867 per second
    // = $0.0003947/s = $1.42092/h; × 730 h = $1,037.27 per instance-month (1 min, 3 max: $3,111.81).
    assert.deepStrictEqual(
      [e.lines[0].kind, e.lines[0].region, e.lines[0].costUsdPerMonth],
      ["cloud-run", "europe-west4", { idle: 1037.27, max: 3111.81 }],
    );
  });

  it("leaves Cloud Run instances in a Tier 2 region unpriced, naming the tier, rather than pricing them at Tier 1 rates", () => {
    // Cloud Run pricing: asia-southeast1 and asia-south1 are Tier 2 regions, which cost more than the Tier 1 table.
    const e = estimatePlan(
      input(
        cloudRun({ name: "chat", location: "asia-southeast1", scaling: { minInstanceCount: 0, maxInstanceCount: 2 } }),
      ),
    );
    assert.deepStrictEqual(e.unpriced, [
      "Cloud Run nvidia-l4 instances (chat, asia-southeast1 is a Tier 2 region: the table has Tier 1 prices only)",
    ]);
    assert.strictEqual(e.lines[0].costUsdPerMonth, null);
    assert.deepStrictEqual(e.gpus, { idle: 0, max: 2 }, "GPUs and energy still counted");
  });

  it("puts a specific reservation's VMs in the idle cost (billed whether used or not), sized by the pool's reserved-vms label or its maximum", () => {
    const reserved = (labels?: Record<string, string>) => {
      const p = reference({ reservation: true });
      (p.inputs.nodeConfig as Record<string, unknown>).labels = labels;
      return p;
    };
    // 3 reserved VMs (the pool's maximum) × $2.000833 × 730 h = $4,381.82, idle as at max; the GPUs draw no power until nodes run.
    const byMax = estimatePlan(input(reserved()));
    assert.deepStrictEqual(byMax.costUsdPerMonth, { idle: 4381.82, max: 4381.82 });
    assert.deepStrictEqual(byMax.gpus, { idle: 2, max: 6 });
    // A reservation of 2 VMs: 2 × $2.000833 × 730 = $2,921.22 idle.
    assert.deepStrictEqual(estimatePlan(input(reserved({ "cnai.dev/reserved-vms": "2" }))).costUsdPerMonth, {
      idle: 2921.22,
      max: 4381.82,
    });
  });

  it("leaves out CPU pools and Cloud Run services without GPUs, and carbon where the region has no data", () => {
    const cpu = pool({ name: "cpu", machineType: "e2-standard-4", accelerator: null });
    const cpuRun = cloudRun({ name: "api", gpus: 0 });
    assert.deepStrictEqual(estimatePlan(input(cpu, cpuRun)).gpus, { idle: 0, max: 0 });
    const nowhere = estimatePlan(input(reference({ location: "mars-north1" })));
    assert.deepStrictEqual([nowhere.energyKwhPerMonth.max, nowhere.co2eKgPerMonth.max], [343.7, 0]);
  });

  it("adds no line, cost or unpriced entry for a CPU pool or a Cloud Run service without GPUs", () => {
    const e = estimatePlan(
      input(pool({ name: "cpu", machineType: "e2-standard-4", accelerator: null }), cloudRun({ name: "api", gpus: 0 })),
    );
    assert.deepStrictEqual([e.lines, e.unpriced, e.costUsdPerMonth], [[], [], { idle: 0, max: 0 }]);
  });

  it("counts GPUs of an accelerator the catalog does not know, without energy, and leaves them unpriced", () => {
    const e = estimatePlan(input(reference({ accelerator: { type: "nvidia-next-gen", count: 2 } })));
    assert.deepStrictEqual(
      [e.gpus, e.energyKwhPerMonth],
      [
        { idle: 2, max: 6 },
        { idle: 0, max: 0 },
      ],
    );
    const service = cloudRun({
      name: "next",
      location: "us-central1",
      scaling: { minInstanceCount: 0, maxInstanceCount: 1 },
    });
    const template = service.inputs.template as Record<string, unknown>;
    const next = {
      ...service,
      inputs: { ...service.inputs, template: { ...template, nodeSelector: { accelerator: "nvidia-next-gen" } } },
    };
    const run = estimatePlan(input(next));
    // us-central1 is a Tier 1 region: the price is missing for the GPU, not for the tier.
    assert.deepStrictEqual(run.unpriced, ["Cloud Run nvidia-next-gen instances (next)"]);
    assert.deepStrictEqual(
      [run.lines[0].capacity, run.gpus, run.energyKwhPerMonth],
      ["on-demand", { idle: 0, max: 1 }, { idle: 0, max: 0 }],
    );
  });

  it("prices a Cloud Run sidecar without limits at Cloud Run's defaults (1 vCPU, 512 MiB)", () => {
    const service = cloudRun({
      name: "chat",
      location: "europe-west4",
      scaling: { minInstanceCount: 1, maxInstanceCount: 1 },
    });
    const template = service.inputs.template as { containers: Record<string, unknown>[] };
    const withSidecar = {
      ...service,
      inputs: {
        ...service.inputs,
        template: { ...template, containers: [...template.containers, { image: "proxy" }] },
      },
    };
    // Tier 1, per second: 9 vCPU × $0.000018 + 32.5 GiB × $0.000002 + 1 L4 × $0.0001867 = $0.0004137;
    // × 3600 × 730 = $1,087.20 per instance-month.
    assert.deepStrictEqual(estimatePlan(input(withSidecar)).costUsdPerMonth, { idle: 1087.2, max: 1087.2 });
  });
});
