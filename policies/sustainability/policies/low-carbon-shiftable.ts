import { CLOUD_RUN_GPU_REGIONS } from "../../../components/catalog/cloud-run-gpu";
import { GPU_CATALOG, isAcceleratorType } from "../../../components/catalog/gpus";
import { distanceKm } from "../../../components/catalog/region-locations";
import {
  isRegion,
  LOW_CARBON_MAX_GRID_GCO2_PER_KWH,
  LOW_CARBON_MIN_CFE,
  REGIONS,
  type Region,
  type RegionCarbon,
  regionCarbon,
  regionOfZone,
  zonesOf as regionZones,
} from "../../../components/catalog/regions";
import { acceleratorOf, CLOUD_RUN_SERVICE, isGpuNodePool, NODE_POOL } from "../../lib/gpu";
import { resourcePolicy } from "../../lib/policy";
import { at, gcpLabels, regionOfLocation } from "../../lib/resources";
import { isShiftable } from "../lib/workload";

export interface LowCarbonShiftableConfig {
  /** Least carbon-free energy share (0-1) a region needs. */
  minCfe: number;
  /** Most grid intensity (gCO2eq/kWh) a region may have; when unset, only regions without CFE data are held to 200. */
  maxGridGco2PerKwh?: number;
  /** How many compliant regions a violation suggests. */
  suggestions: number;
}

/** Whether a region meets the configured criteria (the defaults are Google's "Low CO2" criterion, the `low` carbon tier). */
export function meetsCriteria(
  data: Pick<RegionCarbon, "cfe" | "gridGco2PerKwh">,
  config: Pick<LowCarbonShiftableConfig, "minCfe" | "maxGridGco2PerKwh">,
): boolean {
  const cfeOk = Number.isFinite(data.cfe)
    ? data.cfe >= config.minCfe
    : data.gridGco2PerKwh <= (config.maxGridGco2PerKwh ?? LOW_CARBON_MAX_GRID_GCO2_PER_KWH);
  const gridOk = config.maxGridGco2PerKwh === undefined || data.gridGco2PerKwh <= config.maxGridGco2PerKwh;
  return cfeOk && gridOk;
}

export const lowCarbonShiftable = resourcePolicy<LowCarbonShiftableConfig>({
  name: "cnai-low-carbon-shiftable",
  description:
    "Shiftable GPU work (GPU node pools whose work is shiftable, Cloud Run services labelled shiftable=true) runs in a low-carbon region: " +
    "work that can move should move to where the grid is clean, since a GPU's emissions scale with the grid's intensity, which differs " +
    'more than tenfold between Google Cloud regions. Low-carbon means Google\'s "Low CO2" criterion by default (carbon-free energy of at least 75 %, ' +
    "or a grid of at most 200 gCO2eq/kWh where CFE is unknown); minCfe and maxGridGco2PerKwh tighten or relax it.",
  types: [NODE_POOL, CLOUD_RUN_SERVICE],
  config: {
    minCfe: {
      type: "number",
      minimum: 0,
      maximum: 1,
      default: LOW_CARBON_MIN_CFE,
      description: "Least carbon-free energy share (0-1); 0 leaves only the grid criterion.",
    },
    maxGridGco2PerKwh: {
      type: "number",
      minimum: 0,
      description: "Most grid carbon intensity, gCO2eq/kWh, checked in addition to minCfe when set.",
    },
    suggestions: {
      type: "integer",
      minimum: 0,
      maximum: 10,
      default: 3,
      description: "How many of the nearest compliant regions a violation names.",
    },
  },
  validate: (args, report, config) => {
    const labels = gcpLabels(args.type, args.props);
    let what: string;
    let candidates: readonly string[] | undefined;
    let offering = "";
    if (args.type === NODE_POOL) {
      if (!isGpuNodePool(args.type, args.props) || !isShiftable(labels)) return;
      const accelerator = acceleratorOf(args.props);
      what = "GPU node pool";
      if (accelerator && isAcceleratorType(accelerator)) {
        candidates = [
          ...new Set(
            GPU_CATALOG[accelerator].zones.map((z) => regionOfZone(z)).filter((r): r is Region => r !== undefined),
          ),
        ];
        offering = ` offering ${accelerator}`;
      }
    } else {
      if (labels?.shiftable !== "true") return;
      const accelerator = at(args.props, "template.nodeSelector.accelerator");
      what = "Cloud Run service";
      if (typeof accelerator === "string" && accelerator in CLOUD_RUN_GPU_REGIONS) {
        candidates = CLOUD_RUN_GPU_REGIONS[accelerator as keyof typeof CLOUD_RUN_GPU_REGIONS];
        offering = ` offering Cloud Run ${accelerator}`;
      }
    }
    const location = at(args.props, "location");
    const region = regionOfLocation(location);
    if (!region || !isRegion(region)) {
      report(
        `${what} runs shiftable work in ${String(location)}, which is not a region with carbon data, so its carbon cannot be checked. Use a Google Cloud region, or add its data to components/catalog/region-carbon.ts.`,
      );
      return;
    }
    const data = regionCarbon(region);
    if (meetsCriteria(data, config)) return;
    const compliant = compliantRegions(region, candidates ?? REGIONS, config);
    const nearest = compliant.slice(0, config.suggestions);
    const where = !compliant.length
      ? `No region${offering} meets these criteria: relax them in the policy config, or choose another accelerator. `
      : nearest.length
        ? `Run it in a low-carbon region${offering}, nearest first: ${nearest.map((r) => `${describe(r)}, ~${Math.round(distanceKm(region, r) / 100) * 100} km away`).join("; ")}. `
        : `Run it in a low-carbon region${offering} (${compliant.length} qualify). `;
    report(
      `${what} runs shiftable work in ${describe(region)}, which does not meet the low-carbon criteria (${criteria(config)}). ${where}` +
        (args.type === NODE_POOL
          ? "A node pool runs in its cluster's region, so that means a stack or cluster there; if the work cannot move, set shiftable: false on the pool."
          : "Set the service's location to one of them, or, if the work cannot move, label it shiftable: false."),
    );
  },
});

const describe = (region: Region): string => {
  const data = regionCarbon(region);
  return `${region} (${data.location}: ${Math.round(data.cfe * 100)} % carbon-free energy, ${data.gridGco2PerKwh} gCO2eq/kWh)`;
};

function criteria(config: Pick<LowCarbonShiftableConfig, "minCfe" | "maxGridGco2PerKwh">): string {
  const parts = config.minCfe > 0 ? [`carbon-free energy >= ${Math.round(config.minCfe * 100)} %`] : [];
  if (config.maxGridGco2PerKwh !== undefined) parts.push(`grid <= ${config.maxGridGco2PerKwh} gCO2eq/kWh`);
  return parts.length ? parts.join(" and ") : "none";
}

/** Compliant regions among the candidates (open to use: with zones), nearest first. */
function compliantRegions(from: Region, candidates: readonly string[], config: LowCarbonShiftableConfig): Region[] {
  return candidates
    .filter(
      (r): r is Region =>
        isRegion(r) && r !== from && regionZones(r).length > 0 && meetsCriteria(regionCarbon(r), config),
    )
    .sort((a, b) => distanceKm(from, a) - distanceKm(from, b));
}
