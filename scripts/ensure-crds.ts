import * as path from "node:path";
import { crdDownloadDir, crdSearchPath, findCrdDir } from "./lib/crd-dir";
import { CRD_SOURCES } from "./lib/crd-sources";

/**
 * `npm test`'s pretest: when the conformance tests find no CRDs ($CNAI_CRD_DIR, .cache/crds), say
 * so, and what will be downloaded from where to where, then download the pinned ones (npm run
 * fetch-crds). A failed download only warns: the conformance checks then skip, or fail in CI
 * (CI=true). Loads nothing else when the CRDs are there, so it costs the test loop a bare Node start.
 */
export async function ensureCrds(root: string, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (findCrdDir(root, env)) return 0;
  process.stderr.write(`${downloadNotice(root, env)}\n`);
  const { main } = require("./fetch-crds") as typeof import("./fetch-crds");
  if ((await main(["--out", crdDownloadDir(root)])) !== 0) {
    process.stderr.write(
      `ensure-crds: no CRDs for the conformance tests; they ${env.CI === "true" ? "fail in CI" : "skip"}\n`,
    );
  }
  return 0;
}

/** What the pretest is about to fetch, from where and into where, and how to avoid it. */
export function downloadNotice(root: string, env: NodeJS.ProcessEnv = process.env): string {
  const files = CRD_SOURCES.reduce((n, source) => n + source.files.length, 0);
  const from = CRD_SOURCES.map((source) => `${source.repo}@${source.tag}`).join(", ");
  const shown = path.relative(process.cwd(), crdDownloadDir(root)) || crdDownloadDir(root);
  return (
    `ensure-crds: no CRDs for the conformance tests in ${crdSearchPath(root, env).join(", ")}; ` +
    `downloading the ${files} pinned CRD files from GitHub (raw.githubusercontent.com: ${from}) into ${shown} ` +
    "(once; or set CNAI_CRD_DIR to a folder of them)"
  );
}

if (require.main === module) {
  ensureCrds(path.resolve(__dirname, "..")).then((code) => (process.exitCode = code));
}
