import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT } from "./run";

/**
 * Google Cloud's published carbon data per region, read from the unchanged upstream file
 * (test/fixtures/region-carbon-2024.csv: GoogleCloudPlatform/region-carbon-info data/yearly/2024.csv),
 * so specs take expected tiers from the data and the documented rules, not from the catalog under test.
 */
export const REGION_CARBON_CSV: ReadonlyMap<string, { cfe: number | undefined; grid: number }> = new Map(
  fs
    .readFileSync(path.join(ROOT, "test", "fixtures", "region-carbon-2024.csv"), "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => {
      const [region, , cfe, grid] = line.split(",");
      return [region, { cfe: cfe === "" ? undefined : Number(cfe), grid: Number(grid) }] as const;
    }),
);

/**
 * Google's "Low CO2" indicator: "a Google CFE% of at least 75%, or, if CFE% information is not
 * available, a grid carbon intensity of maximum 200 gCO2eq/kWh"
 * (https://cloud.google.com/sustainability/region-carbon#region-picker).
 */
export function googleLowCo2(region: string): boolean {
  const row = REGION_CARBON_CSV.get(region);
  if (!row) throw new Error(`${region} is not in region-carbon-2024.csv`);
  return row.cfe !== undefined ? row.cfe >= 0.75 : row.grid <= 200;
}

/**
 * The `carbon-tier` label as DESIGN.md defines it: `low` by Google's indicator. Not low: `medium`
 * when at least half the energy is carbon-free or the grid is under 400 gCO2eq/kWh, else `high`
 * (the project's own split, stated in the comment of components/catalog/regions.ts; not Google's).
 */
export function documentedCarbonTier(region: string): "low" | "medium" | "high" {
  if (googleLowCo2(region)) return "low";
  const row = REGION_CARBON_CSV.get(region)!;
  return (row.cfe !== undefined && row.cfe >= 0.5) || row.grid < 400 ? "medium" : "high";
}
