import { REGION_CARBON_2024, type Region, type RegionCarbon } from "./region-carbon";
import { REGION_ZONE_SUFFIXES } from "./zones";

export type { Region, RegionCarbon };

/** Sustainability tier of a region, as carried by the `carbon-tier` label. */
export type CarbonTier = "low" | "medium" | "high";

/**
 * Google's "Low CO2" criterion: carbon-free energy of at least 75 %, or, where the CFE is not
 * published, a grid intensity of at most 200 gCO2eq/kWh.
 */
export const LOW_CARBON_MIN_CFE = 0.75;
export const LOW_CARBON_MAX_GRID_GCO2_PER_KWH = 200;
/**
 * Our split between `medium` and `high` (not a Google criterion): a region that is not low is
 * medium when at least half its energy is carbon-free or its grid is under 400 gCO2eq/kWh.
 */
export const MEDIUM_CARBON_MIN_CFE = 0.5;
export const MEDIUM_CARBON_MAX_GRID_GCO2_PER_KWH = 400;

export const REGIONS: readonly Region[] = Object.keys(REGION_CARBON_2024) as Region[];

export function isRegion(value: string): value is Region {
  return Object.hasOwn(REGION_CARBON_2024, value);
}

export function regionCarbon(region: Region): RegionCarbon {
  return REGION_CARBON_2024[region];
}

/** Zones of a region, fully qualified (`us-central1-a`). */
export function zonesOf(region: Region): string[] {
  return REGION_ZONE_SUFFIXES[region].map((suffix) => `${region}-${suffix}`);
}

/** The region a zone name belongs to (`us-central1-a` -> `us-central1`), if the zone is known. */
export function regionOfZone(zone: string): Region | undefined {
  const region = zone.replace(/-[a-z]$/, "");
  return isRegion(region) && zonesOf(region).includes(zone) ? region : undefined;
}

/** The carbon tier of a region from its CFE and grid intensity (see the constants above). */
export function carbonTier(region: Region): CarbonTier {
  return carbonTierOf(regionCarbon(region));
}

export function carbonTierOf(data: Pick<RegionCarbon, "cfe" | "gridGco2PerKwh">): CarbonTier {
  const cfeKnown = Number.isFinite(data.cfe);
  const low = cfeKnown ? data.cfe >= LOW_CARBON_MIN_CFE : data.gridGco2PerKwh <= LOW_CARBON_MAX_GRID_GCO2_PER_KWH;
  if (low) return "low";
  const medium =
    (cfeKnown && data.cfe >= MEDIUM_CARBON_MIN_CFE) || data.gridGco2PerKwh < MEDIUM_CARBON_MAX_GRID_GCO2_PER_KWH;
  return medium ? "medium" : "high";
}
