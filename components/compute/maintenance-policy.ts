import type { ExclusionScope } from "../catalog/gcp-api-rules-resilience";

/**
 * A GKE cluster's maintenance policy: when GKE may upgrade and repair it (a daily or a recurring
 * window) and when it may not (exclusions, by scope). Google's rules for both are in
 * components/catalog/gcp-api-rules-resilience.ts; docs/resilience.md explains the per-environment choices.
 */

export interface RecurringWindow {
  /** RFC 3339 UTC: the first window's start and end (the difference is each window's length). */
  start: string;
  end: string;
  /** RFC 5545 RRULE: `FREQ=DAILY` or `FREQ=WEEKLY;BYDAY=SA,SU`. */
  recurrence: string;
}

export interface MaintenanceExclusion {
  name: string;
  /** RFC 3339 UTC. */
  start: string;
  end: string;
  scope: ExclusionScope;
}

export interface MaintenanceArgs {
  window?: RecurringWindow;
  exclusions?: MaintenanceExclusion[];
}

/** The cluster's maintenancePolicy: the recurring window or the daily one, and the exclusions. */
export function maintenancePolicy(spec: {
  maintenance: { window?: RecurringWindow; exclusions: MaintenanceExclusion[] };
  maintenanceWindowStart: string;
}) {
  const { window, exclusions } = spec.maintenance;
  return {
    ...(window
      ? { recurringWindow: { startTime: window.start, endTime: window.end, recurrence: window.recurrence } }
      : { dailyMaintenanceWindow: { startTime: spec.maintenanceWindowStart } }),
    ...(exclusions.length
      ? {
          maintenanceExclusions: exclusions.map((e) => ({
            exclusionName: e.name,
            startTime: e.start,
            endTime: e.end,
            exclusionOptions: { scope: e.scope },
          })),
        }
      : {}),
  };
}
