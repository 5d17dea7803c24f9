import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  ACCELERATOR_TYPES,
  acceleratorOfMachineType,
  allowedGpuCounts,
  GPU_CATALOG,
} from "../../components/catalog/gpus";
import { REGION_CARBON_2024 } from "../../components/catalog/region-carbon";
import { carbonTier, carbonTierOf, REGIONS, regionOfZone, zonesOf } from "../../components/catalog/regions";
import { gpusPerNode, zonesOffering } from "../../components/compute/gpu-pool-rules";

describe("GPU catalog", () => {
  it("covers L4 to B200 with memory and board power from the datasheets", () => {
    assert.deepStrictEqual(
      [...ACCELERATOR_TYPES],
      [
        "nvidia-tesla-t4",
        "nvidia-l4",
        "nvidia-tesla-a100",
        "nvidia-a100-80gb",
        "nvidia-h100-80gb",
        "nvidia-h100-mega-80gb",
        "nvidia-h200-141gb",
        "nvidia-b200",
      ],
    );
    const facts = ACCELERATOR_TYPES.map((t) => [t, GPU_CATALOG[t].memoryGb, GPU_CATALOG[t].tdpWatts]);
    assert.deepStrictEqual(facts, [
      ["nvidia-tesla-t4", 16, 70],
      ["nvidia-l4", 24, 72],
      ["nvidia-tesla-a100", 40, 400],
      ["nvidia-a100-80gb", 80, 400],
      ["nvidia-h100-80gb", 80, 700],
      ["nvidia-h100-mega-80gb", 80, 700],
      ["nvidia-h200-141gb", 141, 700],
      ["nvidia-b200", 180, 1000],
    ]);
  });

  it("maps each machine type to exactly one accelerator and its GPUs per VM", () => {
    assert.strictEqual(acceleratorOfMachineType("g2-standard-48"), "nvidia-l4");
    assert.deepStrictEqual(allowedGpuCounts("nvidia-l4", "g2-standard-48"), [4]);
    assert.deepStrictEqual(allowedGpuCounts("nvidia-l4", "g2-standard-96"), [8]);
    assert.deepStrictEqual(allowedGpuCounts("nvidia-tesla-a100", "a2-megagpu-16g"), [16]);
    assert.deepStrictEqual(allowedGpuCounts("nvidia-tesla-t4", "n1-standard-8"), [1, 2, 4]);
    assert.deepStrictEqual(allowedGpuCounts("nvidia-l4", "a2-highgpu-1g"), []);
    assert.strictEqual(gpusPerNode({ machineType: "a4-highgpu-8g", accelerator: { type: "nvidia-b200" } }), 8);
    const owners = new Map<string, string>();
    for (const type of ACCELERATOR_TYPES) {
      for (const machine of Object.keys(GPU_CATALOG[type].machineTypes)) {
        assert.ok(
          !owners.has(machine) || type === "nvidia-tesla-t4",
          `${machine} belongs to ${owners.get(machine)} and ${type}`,
        );
        owners.set(machine, type);
      }
    }
  });

  it("lists only zones that exist, and MIG only on GPUs that have it", () => {
    for (const type of ACCELERATOR_TYPES) {
      for (const zone of GPU_CATALOG[type].zones) assert.ok(regionOfZone(zone), `${type}: ${zone} is a known zone`);
    }
    assert.deepStrictEqual(GPU_CATALOG["nvidia-l4"].migPartitions, []);
    assert.deepStrictEqual(GPU_CATALOG["nvidia-tesla-t4"].migPartitions, []);
    assert.ok(GPU_CATALOG["nvidia-h100-80gb"].migPartitions.includes("1g.10gb"));
    assert.deepStrictEqual(zonesOffering("nvidia-b200", "us-central1"), ["us-central1-b"]);
  });
});

describe("region catalog", () => {
  it("holds the 44 regions of Google's 2024 carbon data", () => {
    assert.strictEqual(REGIONS.length, 44);
    assert.deepStrictEqual(REGION_CARBON_2024["us-central1"], { location: "Iowa", cfe: 0.87, gridGco2PerKwh: 412.72 });
    assert.deepStrictEqual(REGION_CARBON_2024["europe-north1"], {
      location: "Finland",
      cfe: 0.98,
      gridGco2PerKwh: 39.32,
    });
  });

  it("matches Google's CSV (test/fixtures/region-carbon-2024.csv) row for row", () => {
    const csv = path.resolve(__dirname, "..", "fixtures", "region-carbon-2024.csv");
    const rows = fs
      .readFileSync(csv, "utf8")
      .trim()
      .split(/\r?\n/)
      .slice(1)
      .map((line) => line.split(","));
    assert.strictEqual(rows.length, REGIONS.length);
    for (const [region, location, cfe, grid] of rows) {
      assert.deepStrictEqual(
        REGION_CARBON_2024[region as keyof typeof REGION_CARBON_2024],
        { location, cfe: Number(cfe), gridGco2PerKwh: Number(grid) },
        region,
      );
    }
  });

  it("derives the carbon tier: low is Google's Low CO2 (CFE >= 75 %, or grid <= 200 g where CFE is unknown)", () => {
    assert.strictEqual(carbonTier("us-central1"), "low");
    assert.strictEqual(carbonTier("europe-west4"), "low");
    assert.strictEqual(carbonTier("northamerica-northeast1"), "low");
    assert.strictEqual(carbonTier("europe-west3"), "medium");
    assert.strictEqual(carbonTier("asia-southeast1"), "medium");
    assert.strictEqual(carbonTier("us-east1"), "high");
    assert.strictEqual(carbonTier("asia-south1"), "high");
    assert.strictEqual(carbonTierOf({ cfe: Number.NaN, gridGco2PerKwh: 150 }), "low");
    assert.strictEqual(carbonTierOf({ cfe: Number.NaN, gridGco2PerKwh: 450 }), "high");
  });

  it("knows each region's zones", () => {
    assert.deepStrictEqual(zonesOf("us-central1"), [
      "us-central1-a",
      "us-central1-b",
      "us-central1-c",
      "us-central1-f",
    ]);
    assert.deepStrictEqual(zonesOf("europe-west1"), ["europe-west1-b", "europe-west1-c", "europe-west1-d"]);
    assert.strictEqual(regionOfZone("us-central1-z"), undefined);
    assert.strictEqual(regionOfZone("europe-west4-b"), "europe-west4");
  });
});
