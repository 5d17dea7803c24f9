import * as assert from "node:assert";
import { distanceKm, REGION_COORDINATES } from "../../../components/catalog/region-locations";
import { carbonTier, REGIONS, regionCarbon } from "../../../components/catalog/regions";
import { lowCarbonShiftable, meetsCriteria } from "../../../policies/sustainability/policies/low-carbon-shiftable";
import { messagesOf, urnOf, violationsOf } from "../../helpers/policy";
import { googleLowCo2 } from "../../helpers/region-carbon";
import { CLOUD_RUN, cloudRun, GOVERNANCE, NODE_POOL, pool, sustainability } from "./fixtures";

const shiftable = (tier = "low") => sustainability("training", true, tier);

describe("policy cnai-low-carbon-shiftable", () => {
  it("by default, a region qualifies exactly when Google's published data marks it Low CO2", () => {
    for (const region of REGIONS) {
      const expected = googleLowCo2(region);
      assert.strictEqual(meetsCriteria(regionCarbon(region), { minCfe: 0.75 }), expected, region);
      assert.strictEqual(carbonTier(region) === "low", expected, `${region}: carbon-tier low`);
    }
    // Spot checks against region-carbon-2024.csv: Iowa 87 % CFE (low), South Carolina 31 % (not).
    assert.strictEqual(meetsCriteria(regionCarbon("us-central1"), { minCfe: 0.75 }), true);
    assert.strictEqual(meetsCriteria(regionCarbon("us-east1"), { minCfe: 0.75 }), false);
    assert.strictEqual(
      meetsCriteria({ cfe: Number.NaN, gridGco2PerKwh: 150 }, { minCfe: 0.75 }),
      true,
      "CFE unknown: grid <= 200 qualifies",
    );
    assert.strictEqual(meetsCriteria({ cfe: Number.NaN, gridGco2PerKwh: 250 }, { minCfe: 0.75 }), false);
    assert.strictEqual(
      meetsCriteria({ cfe: Number.NaN, gridGco2PerKwh: 150 }, { minCfe: 0.75, maxGridGco2PerKwh: 100 }),
      false,
      "CFE unknown: the configured grid cap applies",
    );
  });

  it("passes shiftable GPU pools and shiftable Cloud Run services in low-carbon regions", async () => {
    const resources = [
      pool({ location: "us-central1", labels: shiftable() }),
      pool({ name: "eu", location: "europe-west4-b", labels: shiftable() }),
      cloudRun({ location: "europe-west1", labels: sustainability("inference", true, "low") }),
    ];
    assert.deepStrictEqual(await messagesOf(lowCarbonShiftable, resources), []);
  });

  it("ignores work that is not shiftable, node pools without GPUs, and Cloud Run services not labelled shiftable=true", async () => {
    const resources = [
      pool({ name: "serve", location: "us-east1", labels: sustainability("inference", false, "high") }),
      pool({ name: "deadline", location: "us-east1", labels: sustainability("training", false, "high") }),
      pool({
        name: "cpu",
        location: "us-east1",
        accelerator: null,
        machineType: "e2-standard-4",
        labels: shiftable("high"),
      }),
      cloudRun({ location: "us-east1", labels: sustainability("inference", false, "high") }),
      cloudRun({ name: "unlabelled", location: "us-east1", labels: { ...GOVERNANCE, "workload-type": "training" } }),
    ];
    assert.deepStrictEqual(await messagesOf(lowCarbonShiftable, resources), []);
  });

  it("reports a shiftable GPU pool in a high-carbon region, with its figures and the nearest low-carbon regions offering its GPU", async () => {
    const [message] = await messagesOf(lowCarbonShiftable, [pool({ location: "us-east1", labels: shiftable("high") })]);
    // nvidia-l4 is offered in us-central1, us-east4, us-west1, europe-west4, europe-west1 and asia-southeast1; of these us-east4
    // (62 % CFE) and asia-southeast1 (4 %) are not low-carbon; from South Carolina, Iowa is ~1,700 km, Oregon ~3,700 km, Belgium ~6,800 km.
    assert.strictEqual(
      message,
      "GPU node pool runs shiftable work in us-east1 (South Carolina: 31 % carbon-free energy, 575.77 gCO2eq/kWh), which does not meet the low-carbon criteria (carbon-free energy >= 75 %). " +
        "Run it in a low-carbon region offering nvidia-l4, nearest first: " +
        "us-central1 (Iowa: 87 % carbon-free energy, 412.72 gCO2eq/kWh), ~1700 km away; " +
        "us-west1 (Oregon: 87 % carbon-free energy, 79.23 gCO2eq/kWh), ~3700 km away; " +
        "europe-west1 (Belgium: 84 % carbon-free energy, 103.37 gCO2eq/kWh), ~6800 km away. " +
        "A node pool runs in its cluster's region, so that means a stack or cluster there; if the work cannot move, set shiftable: false on the pool.",
    );
  });

  it("treats a training pool without a shiftable label as shiftable, and maps a zone to its region", async () => {
    const [message] = await messagesOf(lowCarbonShiftable, [
      pool({ location: "us-east4-a", labels: { ...GOVERNANCE, "workload-type": "training" } }),
    ]);
    assert.match(
      message,
      /^GPU node pool runs shiftable work in us-east4 \(Northern Virginia: 62 % carbon-free energy, 323\.05 gCO2eq\/kWh\)/,
    );
  });

  it("suggests Cloud Run GPU regions for a Cloud Run GPU service, and any region for one without GPUs", async () => {
    const labels = sustainability("inference", true, "high");
    const [gpu] = await messagesOf(lowCarbonShiftable, [cloudRun({ location: "us-east1", labels })]);
    assert.match(
      gpu,
      /Run it in a low-carbon region offering Cloud Run nvidia-l4, nearest first: us-central1 \(Iowa[^;]*; europe-west1 \(Belgium[^;]*; europe-west4 \(Eemshaven[^;]*~6900 km away\. Set the service's location/,
    );
    const [cpu] = await messagesOf(lowCarbonShiftable, [cloudRun({ location: "us-east1", labels, gpus: 0 })]);
    assert.match(
      cpu,
      /Run it in a low-carbon region, nearest first: northamerica-northeast2 \(Toronto[^;]*~1200 km away; northamerica-northeast1 \(Montréal[^;]*~1500 km away; us-south1 \(Dallas/,
    );
  });

  it("applies minCfe and maxGridGco2PerKwh from config", async () => {
    const iowa = pool({ name: "iowa", location: "us-central1", labels: shiftable() });
    const eemshaven = pool({ name: "eemshaven", location: "europe-west4", labels: shiftable() });
    const oregon = pool({ name: "oregon", location: "us-west1", labels: shiftable() });
    const urns = async (config: object) =>
      (await violationsOf(lowCarbonShiftable, [iowa, eemshaven, oregon], config)).map((v) => v.urn!.split("::").pop());
    assert.deepStrictEqual(await urns({ minCfe: 0.85 }), ["eemshaven"]);
    assert.deepStrictEqual(await urns({ maxGridGco2PerKwh: 250 }), ["iowa"]);
    assert.deepStrictEqual(await urns({ minCfe: 0, maxGridGco2PerKwh: 100 }), ["iowa", "eemshaven"]);
    const [message] = await messagesOf(lowCarbonShiftable, [iowa], { maxGridGco2PerKwh: 100 });
    assert.match(
      message,
      /does not meet the low-carbon criteria \(carbon-free energy >= 75 % and grid <= 100 gCO2eq\/kWh\)\. Run it in a low-carbon region offering nvidia-l4, nearest first: us-west1 \(Oregon/,
    );
  });

  it("says so when no region offering the GPU meets the criteria, and names no regions when suggestions is 0", async () => {
    const [none] = await messagesOf(lowCarbonShiftable, [pool({ location: "us-east1", labels: shiftable("high") })], {
      minCfe: 0.99,
    });
    assert.match(none, /No region offering nvidia-l4 meets these criteria: relax them in the policy config/);
    const [count] = await messagesOf(lowCarbonShiftable, [pool({ location: "us-east1", labels: shiftable("high") })], {
      suggestions: 0,
    });
    assert.match(count, /Run it in a low-carbon region offering nvidia-l4 \(4 qualify\)\./);
  });

  it("reports a location without carbon data", async () => {
    const violations = await violationsOf(lowCarbonShiftable, [
      cloudRun({ location: "mars-north1", labels: sustainability("inference", true, "low") }),
    ]);
    assert.deepStrictEqual(
      violations.map((v) => v.urn),
      [urnOf(CLOUD_RUN, "serverless")],
    );
    assert.match(violations[0].message, /runs shiftable work in mars-north1, which is not a region with carbon data/);
  });

  it("rejects criteria outside their range, and skips exempted resources", async () => {
    await assert.rejects(
      violationsOf(lowCarbonShiftable, [], { minCfe: 75 }),
      /cnai-low-carbon-shiftable\.minCfe: got 75; allowed: a number <= 1/,
    );
    const exemptions = [{ urn: urnOf(NODE_POOL, "pool"), reason: "data residency keeps this pool in South Carolina" }];
    assert.deepStrictEqual(
      await violationsOf(lowCarbonShiftable, [pool({ location: "us-east1", labels: shiftable("high") })], {
        exemptions,
      }),
      [],
    );
  });

  it("has coordinates for every region, and measures distances that are plausible", () => {
    assert.deepStrictEqual(Object.keys(REGION_COORDINATES).sort(), [...REGIONS].sort());
    assert.strictEqual(
      Math.round(distanceKm("europe-west2", "europe-west9") / 10) * 10,
      340,
      "London to Paris is about 340 km",
    );
    assert.strictEqual(distanceKm("us-central1", "us-central1"), 0);
  });

  // Google's "Low CO2" criterion (Carbon-free energy for Google Cloud regions): CFE of *at least* 75 %, or,
  // where CFE is not published, a grid of *at most* 200 gCO2eq/kWh; a configured grid cap is "at most" too.
  it("admits the boundaries: CFE exactly 75 %, grid exactly 200 where CFE is unknown, grid exactly at the cap", () => {
    assert.strictEqual(meetsCriteria({ cfe: 0.75, gridGco2PerKwh: 600 }, { minCfe: 0.75 }), true);
    assert.strictEqual(meetsCriteria({ cfe: 0.7499, gridGco2PerKwh: 600 }, { minCfe: 0.75 }), false);
    assert.strictEqual(meetsCriteria({ cfe: Number.NaN, gridGco2PerKwh: 200 }, { minCfe: 0.75 }), true);
    assert.strictEqual(meetsCriteria({ cfe: Number.NaN, gridGco2PerKwh: 200.01 }, { minCfe: 0.75 }), false);
    assert.strictEqual(
      meetsCriteria({ cfe: 0.9, gridGco2PerKwh: 100 }, { minCfe: 0.75, maxGridGco2PerKwh: 100 }),
      true,
    );
    assert.strictEqual(
      meetsCriteria({ cfe: 0.9, gridGco2PerKwh: 100.5 }, { minCfe: 0.75, maxGridGco2PerKwh: 100 }),
      false,
    );
  });

  it("names only the grid cap when minCfe is 0", async () => {
    const [message] = await messagesOf(
      lowCarbonShiftable,
      [pool({ name: "iowa", location: "us-central1", labels: shiftable() })],
      { minCfe: 0, maxGridGco2PerKwh: 100 },
    );
    assert.match(message, /does not meet the low-carbon criteria \(grid <= 100 gCO2eq\/kWh\)\. /);
  });

  it("suggests any region for a GPU the catalogs do not know, on a node pool or a Cloud Run service", async () => {
    const anyRegion = /Run it in a low-carbon region, nearest first: northamerica-northeast2 \(Toronto/;
    const [poolMessage] = await messagesOf(lowCarbonShiftable, [
      pool({ location: "us-east1", accelerator: { type: "nvidia-next-gen", count: 1 }, labels: shiftable("high") }),
    ]);
    assert.match(poolMessage, /^GPU node pool runs shiftable work in us-east1 /);
    assert.match(poolMessage, anyRegion);
    // Cloud Run offers GPUs it lists per region (Cloud Run "Configure GPUs for services"); T4 is not one of them.
    const service = cloudRun({ location: "us-east1", labels: sustainability("inference", true, "high") });
    const t4 = {
      ...service,
      inputs: {
        ...service.inputs,
        template: { ...(service.inputs.template as object), nodeSelector: { accelerator: "nvidia-tesla-t4" } },
      },
    };
    const [runMessage] = await messagesOf(lowCarbonShiftable, [t4]);
    assert.match(runMessage, /^Cloud Run service runs shiftable work in us-east1 /);
    assert.match(runMessage, anyRegion);
  });

  it("ignores a Cloud Run service without labels", async () => {
    const service = cloudRun({ location: "us-east1" });
    const { labels: _, ...unlabelled } = service.inputs;
    assert.deepStrictEqual(await messagesOf(lowCarbonShiftable, [{ ...service, inputs: unlabelled }]), []);
  });
});
