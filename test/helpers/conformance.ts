import { type CrdIndex, type ConformanceReport, type KubernetesObject, checkObjects, findCrdDir, loadCrds } from "../../scripts/lib/conformance";
import type { RunResult } from "../../scripts/lib/engine";
import { manifestsOf } from "../../scripts/lib/manifests";
import { planFromRun } from "../../scripts/lib/plan-document";
import { ROOT } from "./run";

/** The upstream CRDs the component specs validate against (loaded once per process, compiled validators cached on disk). */
export function crdIndex(): CrdIndex {
  const dir = findCrdDir(ROOT);
  if (!dir) throw new Error("no CRDs found: run npm run fetch-crds or set CNAI_CRD_DIR");
  return loadCrds(dir);
}

/** Validates every Kubernetes object of a run against the upstream CRDs and the Kubernetes schemas. */
export function conformance(result: RunResult): Promise<ConformanceReport> {
  return checkObjects(manifestsOf(planFromRun(result)).map((m) => m.object as KubernetesObject), crdIndex());
}
