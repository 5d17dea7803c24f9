import * as path from "node:path";
import { findCrdDir } from "./lib/crd-dir";

/**
 * `npm test`'s pretest: when the conformance tests find no CRDs ($CNAI_CRD_DIR, .cache/crds,
 * ../shared/fixtures/crds), download the pinned ones (npm run fetch-crds). A failed download only
 * warns: the conformance checks then skip, or fail in CI (CI=true). Loads nothing else when the
 * CRDs are there, so it costs the test loop a bare Node start.
 */
export async function ensureCrds(root: string, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (findCrdDir(root, env)) return 0;
  const { main } = require("./fetch-crds") as typeof import("./fetch-crds");
  if ((await main([])) !== 0) {
    process.stderr.write(
      `ensure-crds: no CRDs for the conformance tests; they ${env.CI === "true" ? "fail in CI" : "skip"}\n`,
    );
  }
  return 0;
}

if (require.main === module) {
  ensureCrds(path.resolve(__dirname, "..")).then((code) => (process.exitCode = code));
}
