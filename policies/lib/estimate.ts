import { DATA_CENTRE_PUE, HOURS_PER_MONTH } from "../../components/catalog/energy";
import { cpuOf, memoryGiOf } from "../../components/catalog/gcp-api-rules";
import { GPU_CATALOG, isAcceleratorType } from "../../components/catalog/gpus";
import {
  CLOUD_RUN_PRICE_DATE,
  CLOUD_RUN_PRICE_TIERS,
  cloudRunInstanceHourlyUsd,
  machineHourlyUsd,
  PRICE_TABLE_DATE,
  PRICE_TABLE_REGION,
  RESERVED_VMS_LABEL,
} from "../../components/catalog/prices";
import { isRegion, regionCarbon } from "../../components/catalog/regions";
import { acceleratorOf, CLOUD_RUN_SERVICE, capacityOf, gpusPerNode, NODE_POOL, nodeRange, zonesOf } from "./gpu";
import { at, type Props, regionOfLocation } from "./resources";

/**
 * The monthly cost and carbon of a plan's GPU capacity, as a range: idle (every autoscaled pool at
 * its minimum, Cloud Run at its minimum instances) and max (every pool at its maximum), running all
 * month (730 h).
 *
 * - GPUs: GPU node pools' nodes × GPUs per node, plus Cloud Run GPU instances.
 * - Energy: GPUs × board power (TDP) × hours × data-centre PUE; an upper bound for a GPU's draw
 *   (host CPUs, memory and networking are left out).
 * - CO2e, location-based: energy × the region's average grid intensity (Google's 2024 data); the
 *   carbon-free-energy-adjusted figure counts only the share of hours not matched by carbon-free
 *   energy (× (1 − CFE)).
 * - Cost: nodes × the machine type's hourly price (Spot price for Spot pools; on-demand otherwise,
 *   so committed-use discounts are not netted) × hours. A specific reservation is billed whether
 *   its VMs run or not, at the on-demand rate (Compute Engine "Reservations of Compute Engine
 *   zonal resources": "you are charged for reserved resources ... whether or not you use them"):
 *   its idle cost counts the reserved VMs (the pool's `cnai.dev/reserved-vms` node label, else
 *   its maximum), though no GPU draws power until a node runs. Cloud Run GPU instances are priced
 *   from Cloud Run's list price (instance-based billing, Tier 1); machine types the table lacks are
 *   counted in GPUs and energy and listed as unpriced.
 */
export interface EstimateSettings {
  /** Data-centre power usage effectiveness. @default 1.09 */
  pue?: number;
  /** Hourly prices by machine type that replace the table's. */
  prices?: Readonly<Record<string, { onDemand: number; spot: number }>>;
}

export interface Range {
  idle: number;
  max: number;
}

export interface EstimateLine {
  urn: string;
  kind: "node-pool" | "cloud-run" | "ray-gpu-workers";
  region: string | null;
  accelerator: string | null;
  capacity: string;
  gpus: Range;
  costUsdPerMonth: Range | null;
}

export interface PlanEstimate {
  gpus: Range;
  energyKwhPerMonth: Range;
  co2eKgPerMonth: Range;
  costUsdPerMonth: Range;
  /** CO2e net of the region's carbon-free energy share. */
  co2eKgPerMonthCfeAdjusted: Range;
  /**
   * GPUs the Ray clusters' GPU worker groups ask for: idle at their minimum (replicas), max at
   * maxReplicas. On a node pool of the plan they are within that pool's figures (counted at its
   * maximum); a group on a pool outside the plan is a line of its own, at its maximum.
   */
  rayGpuWorkers: Range;
  lines: EstimateLine[];
  /** Capacity the price table has no figure for (its cost is not in the total). */
  unpriced: string[];
  method: { hoursPerMonth: number; pue: number; priceTable: string; carbonData: string };
}

interface EstimateResource {
  urn: string;
  type: string;
  props: Props;
}

const zero = (): Range => ({ idle: 0, max: 0 });
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export function estimatePlan(resources: readonly EstimateResource[], settings: EstimateSettings = {}): PlanEstimate {
  const pue = settings.pue ?? DATA_CENTRE_PUE;
  const totals = { gpus: zero(), energy: zero(), co2e: zero(), co2eCfe: zero(), cost: zero() };
  const lines: EstimateLine[] = [];
  const unpriced: string[] = [];
  const add = (line: EstimateLine, tdpWatts: number | undefined) => {
    lines.push(line);
    for (const key of ["idle", "max"] as const) {
      const gpus = line.gpus[key];
      const kwh = gpus * ((tdpWatts ?? 0) / 1000) * HOURS_PER_MONTH * pue;
      const carbon = line.region && isRegion(line.region) ? regionCarbon(line.region) : undefined;
      totals.gpus[key] += gpus;
      totals.energy[key] += kwh;
      totals.co2e[key] += carbon ? (kwh * carbon.gridGco2PerKwh) / 1000 : 0;
      totals.co2eCfe[key] += carbon ? (kwh * carbon.gridGco2PerKwh * (1 - carbon.cfe)) / 1000 : 0;
      totals.cost[key] += line.costUsdPerMonth?.[key] ?? 0;
    }
  };

  for (const r of resources) {
    if (r.type === NODE_POOL) {
      const perNode = gpusPerNode(r.props);
      if (!perNode) continue;
      const accelerator = acceleratorOf(r.props) ?? null;
      const nodes = nodeRange(r.props, zonesOf(r.props));
      const capacity = capacityOf(r.props);
      const machineType = String(at(r.props, "nodeConfig.machineType"));
      const hourly = machineHourlyUsd(machineType, perNode, capacity === "spot", settings.prices);
      if (hourly === undefined) unpriced.push(`${machineType} (${r.urn.split("::").pop()})`);
      // A specific reservation is paid for whether its VMs run or not: idle costs every reserved VM.
      const reservedVms =
        capacity === "reservation" ? Number(at(r.props, "nodeConfig.labels")?.[RESERVED_VMS_LABEL] ?? nodes.max) : 0;
      const paidIdle = Math.max(nodes.min, Number.isFinite(reservedVms) ? reservedVms : nodes.max);
      add(
        {
          urn: r.urn,
          kind: "node-pool",
          region: regionOfLocation(at(r.props, "location")) ?? null,
          accelerator,
          capacity,
          gpus: { idle: nodes.min * perNode, max: nodes.max * perNode },
          costUsdPerMonth:
            hourly === undefined
              ? null
              : {
                  idle: round(paidIdle * hourly * HOURS_PER_MONTH, 2),
                  max: round(Math.max(nodes.max, paidIdle) * hourly * HOURS_PER_MONTH, 2),
                },
        },
        accelerator && isAcceleratorType(accelerator) ? GPU_CATALOG[accelerator].tdpWatts : undefined,
      );
    } else if (r.type === CLOUD_RUN_SERVICE) {
      const containers = (at(r.props, "template.containers") ?? []) as Props[];
      const perInstance = containers.reduce(
        (sum, c) => sum + Number(at(c, "resources.limits")?.["nvidia.com/gpu"] ?? 0),
        0,
      );
      if (!perInstance) continue;
      const accelerator = at(r.props, "template.nodeSelector.accelerator") ?? null;
      const scaling = at(r.props, "template.scaling") ?? at(r.props, "scaling") ?? {};
      const limits = containers.map((c) => at(c, "resources.limits") ?? {});
      const region = regionOfLocation(at(r.props, "location"));
      const hourly = cloudRunInstanceHourlyUsd(
        limits.reduce((sum, l) => sum + cpuOf(l.cpu ?? 1), 0),
        limits.reduce((sum, l) => sum + memoryGiOf(l.memory ?? "512Mi"), 0),
        accelerator ?? undefined,
        perInstance,
        region,
      );
      if (hourly === undefined) {
        const tier = region ? CLOUD_RUN_PRICE_TIERS[region] : undefined;
        unpriced.push(
          `Cloud Run ${accelerator ?? "GPU"} instances (${r.urn.split("::").pop()}${tier && tier !== 1 ? `, ${region} is a Tier ${tier} region: the table has Tier 1 prices only` : ""})`,
        );
      }
      const instances = { min: Number(scaling.minInstanceCount ?? 0), max: Number(scaling.maxInstanceCount ?? 0) };
      add(
        {
          urn: r.urn,
          kind: "cloud-run",
          region: region ?? null,
          accelerator,
          capacity: "on-demand",
          gpus: { idle: instances.min * perInstance, max: instances.max * perInstance },
          costUsdPerMonth:
            hourly === undefined
              ? null
              : {
                  idle: round(instances.min * hourly * HOURS_PER_MONTH, 2),
                  max: round(instances.max * hourly * HOURS_PER_MONTH, 2),
                },
        },
        accelerator && isAcceleratorType(accelerator) ? GPU_CATALOG[accelerator].tdpWatts : undefined,
      );
    }
  }
  const ray = rayGpuWorkers(resources);
  const pools = new Set(resources.filter((x) => x.type === NODE_POOL).map((x) => String(x.props.name ?? "")));
  for (const group of ray.groups) {
    if (group.pool && pools.has(group.pool)) continue;
    unpriced.push(`${group.urn} (Ray GPU workers ${group.name}: no node pool of the plan)`);
    add(
      {
        urn: group.urn,
        kind: "ray-gpu-workers",
        region: null,
        accelerator: group.accelerator ?? null,
        capacity: "unknown",
        gpus: group.gpus,
        costUsdPerMonth: null,
      },
      group.accelerator && isAcceleratorType(group.accelerator) ? GPU_CATALOG[group.accelerator].tdpWatts : undefined,
    );
  }
  const r = (range: Range, digits = 1): Range => ({ idle: round(range.idle, digits), max: round(range.max, digits) });
  return {
    gpus: totals.gpus,
    energyKwhPerMonth: r(totals.energy),
    co2eKgPerMonth: r(totals.co2e),
    costUsdPerMonth: r(totals.cost, 2),
    co2eKgPerMonthCfeAdjusted: r(totals.co2eCfe),
    rayGpuWorkers: ray.total,
    lines,
    unpriced,
    method: {
      hoursPerMonth: HOURS_PER_MONTH,
      pue,
      priceTable: `${PRICE_TABLE_REGION} list prices of ${PRICE_TABLE_DATE}, Cloud Run GPU instances (Tier 1) of ${CLOUD_RUN_PRICE_DATE}${settings.prices && Object.keys(settings.prices).length ? `, ${Object.keys(settings.prices).length} overridden in config` : ""}`,
      carbonData: "Google Cloud region carbon data, 2024 (grid gCO2eq/kWh and CFE)",
    },
  };
}

/**
 * The GPU worker groups of RayClusters and RayJobs (KubeRay ray.io/v1 workerGroupSpecs): GPUs per
 * Pod (the containers' nvidia.com/gpu) × the replicas KubeRay keeps (idle: replicas within
 * [minReplicas, maxReplicas]) and × maxReplicas (max), times numOfHosts.
 */
export function rayGpuWorkers(resources: readonly EstimateResource[]): {
  total: Range;
  groups: { urn: string; name: string; pool?: string; accelerator?: string; gpus: Range }[];
} {
  const total = zero();
  const groups: { urn: string; name: string; pool?: string; accelerator?: string; gpus: Range }[] = [];
  for (const r of resources) {
    const kind = r.type.startsWith("kubernetes:ray.io/") ? r.type.slice(r.type.lastIndexOf(":") + 1) : undefined;
    if (kind !== "RayCluster" && kind !== "RayJob") continue;
    const spec = (kind === "RayCluster" ? at(r.props, "spec") : at(r.props, "spec.rayClusterSpec")) as
      | Props
      | undefined;
    for (const group of (spec?.workerGroupSpecs ?? []) as Props[]) {
      const podSpec = (group?.template?.spec ?? {}) as Props;
      const perPod = ((podSpec.containers ?? []) as Props[]).reduce(
        (n, c) =>
          n + Number(c?.resources?.limits?.["nvidia.com/gpu"] ?? c?.resources?.requests?.["nvidia.com/gpu"] ?? 0),
        0,
      );
      if (!(perPod > 0)) continue;
      const hosts = Number(group.numOfHosts ?? 1);
      // KubeRay runs clamp(replicas, minReplicas, maxReplicas) Pods, none while the group is suspended
      // (ray-operator utils GetWorkerGroupDesiredReplicas). Without maxReplicas (KubeRay: unbounded) the
      // estimate takes the larger of replicas and minReplicas as the most.
      const lower = Number(group.minReplicas ?? 0);
      const replicas = Number(group.replicas ?? lower);
      const upper = Number(group.maxReplicas ?? Math.max(lower, replicas));
      const desired = group.suspend === true ? 0 : Math.min(Math.max(replicas, lower), upper);
      const gpus = { idle: desired * hosts * perPod, max: upper * hosts * perPod };
      total.idle += gpus.idle;
      total.max += gpus.max;
      groups.push({
        urn: r.urn,
        name: String(group.groupName ?? "workers"),
        pool: podSpec.nodeSelector?.["cloud.google.com/gke-nodepool"],
        accelerator: podSpec.nodeSelector?.["cloud.google.com/gke-accelerator"],
        gpus,
      });
    }
  }
  return { total, groups };
}
