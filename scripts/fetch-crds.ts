import * as fs from "node:fs";
import * as path from "node:path";
import { EXIT_ERROR, EXIT_OK, parseFlags, reportError } from "./lib/cli";
import { crdDownloadDir } from "./lib/crd-dir";
import { CRD_SOURCES, crdUrl } from "./lib/crd-sources";
import { UsageError } from "./lib/project-files";

const USAGE = "usage: npm run fetch-crds -- [--out <dir>]   (default .cache/crds, where the conformance tests look)";
const ROOT = path.resolve(__dirname, "..");

/** Downloads the pinned upstream CRDs for the conformance tests. */
export async function main(argv: string[]): Promise<number> {
  try {
    const flags = parseFlags(argv, { out: { type: "string" } }, USAGE);
    if (flags.help) {
      process.stdout.write(`${USAGE}\n`);
      return EXIT_OK;
    }
    const out = path.resolve(flags.out ?? crdDownloadDir(ROOT));
    fs.mkdirSync(out, { recursive: true });
    let count = 0;
    for (const source of CRD_SOURCES) {
      for (const file of source.files) {
        const url = crdUrl(source, file);
        const response = await fetch(url);
        if (!response.ok) throw new UsageError(`fetch-crds: ${url}: HTTP ${response.status}`);
        fs.writeFileSync(path.join(out, file), await response.text());
        count++;
      }
    }
    process.stdout.write(`fetch-crds: wrote ${count} CRDs to ${path.relative(process.cwd(), out) || "."}\n`);
    return EXIT_OK;
  } catch (error) {
    if (!(error instanceof TypeError)) return reportError("fetch-crds", error, false);
    process.stderr.write(`fetch-crds: cannot reach GitHub: ${(error as Error).message}\n`);
    return EXIT_ERROR;
  }
}

if (require.main === module) main(process.argv.slice(2)).then((code) => (process.exitCode = code));
