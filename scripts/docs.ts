import * as fs from "node:fs";
import * as path from "node:path";
import { EXIT_ERROR, EXIT_OK, parseFlags, reportError } from "./lib/cli";
import { GENERATED_DOCS, generateDocs } from "./lib/docs/generate";

const USAGE = "usage: npm run docs [-- --check] [--root <project dir>]";
const ROOT = path.resolve(__dirname, "..");

/**
 * `docs`: writes the generated pages (docs/configuration.md from the config schema and profiles,
 * docs/policies.md from the packs and the stacks' policy config). With `--check` it writes nothing
 * and exits 1 when a committed page differs from what it would write.
 */
export async function main(argv: string[]): Promise<number> {
  try {
    const flags = parseFlags(argv, { check: { type: "boolean" }, root: { type: "string" } }, USAGE);
    if (flags.help) {
      process.stdout.write(`${USAGE}\n`);
      return EXIT_OK;
    }
    const root = path.resolve(flags.root ?? ROOT);
    const pages = generateDocs(root);
    const stale = GENERATED_DOCS.filter((page) => readOrEmpty(path.join(root, page)) !== pages[page]);
    if (flags.check) {
      for (const page of stale) process.stderr.write(`docs: ${page} is stale; run npm run docs\n`);
      if (!stale.length) process.stdout.write(`docs: ${GENERATED_DOCS.join(", ")} up to date\n`);
      return stale.length ? 1 : EXIT_OK;
    }
    for (const page of GENERATED_DOCS) {
      fs.mkdirSync(path.dirname(path.join(root, page)), { recursive: true });
      fs.writeFileSync(path.join(root, page), pages[page]);
    }
    process.stdout.write(
      `docs: wrote ${GENERATED_DOCS.join(", ")}${stale.length ? ` (${stale.length} changed)` : " (unchanged)"}\n`,
    );
    return EXIT_OK;
  } catch (error) {
    return reportError("docs", error, false);
  }
}

function readOrEmpty(file: string): string {
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (status) => {
      process.exitCode = status;
    },
    (error) => {
      process.exitCode = reportError("docs", error, true) || EXIT_ERROR;
    },
  );
}
