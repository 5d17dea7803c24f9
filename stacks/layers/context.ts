import type { Region } from "../../components/catalog/regions";
import type { StackLabels } from "../../components/labels";
import type { PlatformConfig } from "../config/load";
import type { Settings } from "../config/schema";

/** What every layer of the platform needs to know. */
export interface LayerContext {
  readonly config: PlatformConfig;
  readonly settings: Settings;
  readonly project: string;
  readonly region: Region;
  readonly prefix: string;
  readonly labels: StackLabels;
  /** `protect` stateful resources (prod profile by default). */
  readonly protect: boolean;
}

export function layerContext(config: PlatformConfig): LayerContext {
  const { settings } = config;
  return {
    config,
    settings,
    project: config.project,
    region: config.region,
    prefix: settings.prefix,
    labels: { env: config.stack, team: settings.team, costCenter: settings.costCenter, extra: settings.labels },
    protect: settings.protectStatefulResources,
  };
}
