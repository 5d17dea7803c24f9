import * as path from "node:path";
import { PACKS } from "../policies/lib/packs";
import { EXIT_ERROR, EXIT_OK, parseFlags, reportError } from "./lib/cli";
import { buildPack, PACKS_OUT } from "./lib/pack-build";

const USAGE = "usage: npm run build-packs [-- --out <dir>]";
const ROOT = path.resolve(__dirname, "..");

/**
 * `build-packs`: writes each policy pack as a self-contained folder (its files and the shared ones
 * it imports, a package.json with exact dependencies, PulumiPolicy.yaml, tsconfig.json) to
 * dist/policy-packs/<pack>/ (git-ignored), ready for `npm install` and `pulumi policy publish`.
 */
export function main(argv: string[]): number {
  let verbose = argv.includes("--verbose");
  try {
    const flags = parseFlags(argv, { out: { type: "string" }, verbose: { type: "boolean" } }, USAGE);
    verbose = flags.verbose ?? false;
    if (flags.help) {
      process.stdout.write(`${USAGE}\n`);
      return EXIT_OK;
    }
    const out = path.resolve(flags.out ?? path.join(ROOT, PACKS_OUT));
    for (const pack of PACKS) {
      const built = buildPack(ROOT, pack, out);
      const deps = Object.entries(built.packageJson.dependencies as Record<string, string>).map(
        ([name, version]) => `${name}@${version}`,
      );
      process.stdout.write(
        `build-packs: ${pack.name} ${built.packageJson.version}: ${path.relative(process.cwd(), built.dir) || "."} (${built.closure.files.length} files; dependencies ${deps.join(", ")})\n`,
      );
    }
    process.stdout.write(
      `build-packs: next: cd ${path.relative(process.cwd(), out) || "."}/<pack> && npm install && pulumi policy publish <org> (docs/operations.md, "Publishing the packs to Pulumi Cloud")\n`,
    );
    return EXIT_OK;
  } catch (error) {
    return reportError("build-packs", error, verbose);
  }
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    process.exitCode = reportError("build-packs", error, true) || EXIT_ERROR;
  }
}
