import { platformAlerts } from "../../components/observability/alerts";
import { platformDashboards } from "../../components/observability/dashboards";

/**
 * The alerts and dashboards both monitoring backends' specs render: one L4 pool of at most 4 nodes
 * at $0.85 an hour, in a region with a grid of 412.72 gCO2e/kWh and 87 % carbon-free energy.
 */
export const MONITORING_ALERTS = platformAlerts({ pools: [{ nodePool: "gpu-l4", maxNodes: 4 }] });
export const MONITORING_DASHBOARDS = platformDashboards({
  pools: [{ nodePool: "gpu-l4", nodeHourlyUsd: 0.85 }],
  pue: 1.09,
  gridGco2PerKwh: 412.72,
  cfe: 0.87,
});
