import {
  type ConformanceReport,
  type CrdIndex,
  checkObjects,
  conformanceCrdDir,
  type KubernetesObject,
  loadCrds,
} from "../../scripts/lib/conformance";
import type { RunResult } from "../../scripts/lib/engine";
import { manifestsOf } from "../../scripts/lib/manifests";
import { planFromRun } from "../../scripts/lib/plan-document";
import { ROOT } from "./run";

/**
 * The upstream CRDs the component specs validate against (loaded once per process, compiled
 * validators cached on disk). With none found the calling test is skipped, as the conformance suite
 * is, except in CI (CI=true), where it fails.
 */
export function crdIndex(test: Mocha.Context): CrdIndex {
  const found = conformanceCrdDir(ROOT);
  if ("skip" in found) test.skip();
  return loadCrds(found.dir);
}

/** Validates every Kubernetes object of a run against the upstream CRDs and the Kubernetes schemas. */
export function conformance(test: Mocha.Context, result: RunResult): Promise<ConformanceReport> {
  return checkObjects(
    manifestsOf(planFromRun(result)).map((m) => m.object as KubernetesObject),
    crdIndex(test),
  );
}
