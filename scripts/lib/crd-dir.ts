import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Where conformance looks for CRDs: $CNAI_CRD_DIR (CI points it at its copy of the pinned CRDs;
 * .ci/crd-dir.sh), then .cache/crds, where `npm run fetch-crds` downloads them. Nothing outside the
 * checkout: a fork has only its own files.
 */
export function crdSearchPath(root: string, env: NodeJS.ProcessEnv = process.env): string[] {
  return [env.CNAI_CRD_DIR, crdDownloadDir(root)].filter(
    (dir): dir is string => typeof dir === "string" && dir.length > 0,
  );
}

/** Where `npm run fetch-crds` (and npm test's pretest) writes the pinned CRDs. */
export function crdDownloadDir(root: string): string {
  return path.join(root, ".cache", "crds");
}

/** The first directory of the search path that holds CRD files, if any. */
export function findCrdDir(root: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return crdSearchPath(root, env).find(
    (dir) => fs.existsSync(dir) && fs.readdirSync(dir).some((f) => /\.ya?ml$/.test(f)),
  );
}

/**
 * The CRD directory for the conformance suite: found, or a reason to skip outside CI. In CI
 * (CI=true) having no CRDs is an error, so a missing download can never pass silently.
 */
export function conformanceCrdDir(
  root: string,
  env: NodeJS.ProcessEnv = process.env,
): { dir: string } | { skip: string } {
  const dir = findCrdDir(root, env);
  if (dir) return { dir };
  const reason = `no CRDs in ${crdSearchPath(root, env).join(", ")}; run npm run fetch-crds or set CNAI_CRD_DIR`;
  if (env.CI === "true") throw new Error(`conformance: ${reason}`);
  return { skip: reason };
}
