/**
 * What the offline engine's resource monitor tells the SDK it supports, and what it says instead
 * when a program uses something it cannot do. The SDK asks once per run (runtime/settings.ts
 * awaitFeatureSupport: GetDeploymentInfo, or SupportsFeature per legacy id on older monitors) and
 * refuses an unsupported option itself, with a message written for the Pulumi CLI; the engine
 * rewrites that message for the offline plan. Feature names are proto/pulumi/resource.proto's
 * ResourceMonitorFeature, without the RESOURCE_MONITOR_FEATURE_ prefix.
 */
export interface MonitorFeature {
  /** ResourceMonitorFeature name, without its prefix. */
  readonly feature: string;
  /** The SupportsFeature id older SDKs ask for (runtime/settings.ts legacyFeatureMapping). */
  readonly legacyId?: string;
  readonly supported: boolean;
  /** Why, offline. */
  readonly why: string;
  /** For an unsupported feature the SDK refuses itself: its message, and ours. */
  readonly refusal?: { readonly sdkMessage: RegExp; readonly message: string };
}

const NO_ENGINE =
  "they run inside the Pulumi engine, which the offline plan does not have, so their effect would be missing from the plan";

export const MONITOR_FEATURES: readonly MonitorFeature[] = [
  { feature: "SECRETS", legacyId: "secrets", supported: true, why: "secrets are recorded as [secret]" },
  {
    feature: "RESOURCE_REFERENCES",
    legacyId: "resourceReferences",
    supported: true,
    why: "references are recorded as the resource's URN",
  },
  {
    feature: "OUTPUT_VALUES",
    legacyId: "outputValues",
    supported: false,
    why: "inputs are recorded as plain values (as MockMonitor does)",
  },
  { feature: "ALIAS_SPECS", legacyId: "aliasSpecs", supported: true, why: "aliases are recorded" },
  { feature: "DELETED_WITH", legacyId: "deletedWith", supported: true, why: "recorded in options.deletedWith" },
  { feature: "REPLACE_WITH", legacyId: "replaceWith", supported: true, why: "recorded in options.replaceWith" },
  {
    feature: "PARAMETERIZATION",
    legacyId: "parameterization",
    supported: true,
    why: "packages are answered by MockMonitor.registerPackage; their resources are recorded like any other",
  },
  {
    feature: "TRANSFORMS",
    legacyId: "transforms",
    supported: false,
    why: NO_ENGINE,
    refusal: {
      sdkMessage: /does not support transforms/,
      message: `the program registers a resource or invoke transform (the transforms option, registerResourceTransform or registerInvokeTransform); the offline plan cannot run transforms: ${NO_ENGINE}. Make the change in the program's arguments instead, or check this program with \`pulumi preview\``,
    },
  },
  { feature: "INVOKE_TRANSFORMS", legacyId: "invokeTransforms", supported: false, why: NO_ENGINE },
  {
    feature: "RESOURCE_HOOKS",
    legacyId: "resourceHooks",
    supported: false,
    why: NO_ENGINE,
    refusal: {
      sdkMessage: /does not support resource hooks/,
      message: `the program registers a resource hook (the hooks option); the offline plan cannot run resource hooks: ${NO_ENGINE}. Check this program with \`pulumi preview\``,
    },
  },
  {
    feature: "ERROR_HOOKS",
    legacyId: "errorHooks",
    supported: false,
    why: NO_ENGINE,
    refusal: {
      sdkMessage: /does not support error hooks/,
      message: `the program registers an error hook; the offline plan cannot run error hooks: ${NO_ENGINE}. Check this program with \`pulumi preview\``,
    },
  },
  {
    feature: "STATE_MIGRATIONS",
    supported: false,
    why: NO_ENGINE,
    refusal: {
      sdkMessage: /does not support state migrations/,
      message: `the program declares state migrations (the stateMigrations option); the offline plan has no state to migrate and cannot run them: ${NO_ENGINE}. Check this program with \`pulumi preview\``,
    },
  },
  {
    feature: "INVOKE_DEPENDS_ON",
    supported: false,
    why: "the SDK keeps its own wait for an invoke's dependencies (as under MockMonitor)",
  },
];

/** The ResourceMonitorFeature values the offline monitor announces. */
export function supportedFeatureValues(enumeration: Readonly<Record<string, number | string>>): number[] {
  return MONITOR_FEATURES.filter((f) => f.supported).map((f) => {
    const value = enumeration[`RESOURCE_MONITOR_FEATURE_${f.feature}`];
    if (typeof value !== "number")
      throw new Error(
        `offline engine: the SDK's ResourceMonitorFeature has no ${f.feature} (see scripts/lib/monitor-features.ts)`,
      );
    return value;
  });
}

/** The answer to an older SDK's SupportsFeature(id). */
export function supportsLegacyFeature(id: string): boolean {
  return MONITOR_FEATURES.some((f) => f.legacyId === id && f.supported);
}

/** The offline message for the SDK's refusal of a feature the engine does not support, if it is one. */
export function offlineRefusal(message: string): string | undefined {
  return MONITOR_FEATURES.find((f) => f.refusal?.sdkMessage.test(message))?.refusal?.message;
}
