import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { PACKS } from "../../../policies/lib/packs";
import { derivedDefaults, PROFILE_DEFAULTS, type Profile } from "../../../stacks/config/profiles";
import { gcpSchema, PROFILES, settingsSchema } from "../../../stacks/config/schema";
import type { PackConfig } from "../crossguard/policy-server";
import { policyConfigFile, readPolicyConfigFile, readStackPolicyConfig } from "../policy-check";
import { listStacks, readProjectFile } from "../project-files";
import { configurationReference } from "./config-reference";
import { policyReference } from "./policy-reference";

/** The generated pages, by path from the repository root; `npm run docs` writes them, a test compares them. */
export const GENERATED_DOCS = ["docs/configuration.md", "docs/policies.md"] as const;
export type GeneratedDoc = (typeof GENERATED_DOCS)[number];

/** Each generated page's text, from the project at `root` (its stacks and policy config). */
export function generateDocs(root: string): Record<GeneratedDoc, string> {
  const stacks = new Map<string, ReadonlyMap<string, PackConfig>>();
  // The profiles' own stacks first, in the profiles' order (dev, staging, prod), then any other.
  const order = (stack: string) => {
    const i = (PROFILES as readonly string[]).indexOf(stack);
    return i < 0 ? PROFILES.length : i;
  };
  const names = listStacks(readProjectFile(root)).sort((a, b) => order(a) - order(b) || a.localeCompare(b));
  const files = new Map<string, Map<string, Record<string, unknown>>>();
  for (const stack of names) {
    stacks.set(stack, readStackPolicyConfig(root, stack));
    files.set(
      stack,
      new Map(
        PACKS.map((pack) => {
          const file = policyConfigFile(root, stack, pack);
          return [pack.name, readPolicyConfigFile(file, path.relative(root, file), stack)];
        }),
      ),
    );
  }
  const pages: Record<GeneratedDoc, string> = {
    "docs/configuration.md": configurationReference({
      settings: settingsSchema,
      gcp: gcpSchema,
      profiles: PROFILE_DEFAULTS,
      derived: derivedText(PROFILE_DEFAULTS),
    }),
    "docs/policies.md": policyReference({ packs: PACKS, stacks, files }),
  };
  for (const page of GENERATED_DOCS) pages[page] = formatted(root, page, pages[page]);
  return pages;
}

/**
 * The page as the project's formatter writes it (Biome formats Markdown: padded tables), so that
 * `npm run lint` accepts what `npm run docs` writes. Biome's CLI reads the text on stdin
 * (`--stdin-file-path` names the file for its settings) and prints it formatted.
 */
function formatted(root: string, page: string, text: string): string {
  const biome = require.resolve("@biomejs/biome/bin/biome", { paths: [root, __dirname] });
  const result = spawnSync(process.execPath, [biome, "format", `--stdin-file-path=${page}`], {
    cwd: root,
    input: text,
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`biome could not format ${page}: ${result.stderr}`);
  return result.stdout;
}

/** The defaults the loader derives from the stack name and region (profiles.ts derivedDefaults), in words, per profile. */
function derivedText(profiles: Readonly<Record<string, Profile>>): Record<string, Record<string, string>> {
  const text: Record<string, Record<string, string>> = {};
  for (const [name, profile] of Object.entries(profiles)) {
    // A region with three or more zones shows how many the profile's cluster location takes.
    const location = (profile.settings.cluster as { location?: unknown } | undefined)?.location;
    const count = (derivedDefaults("stack", "us-central1", location).zones as unknown[]).length;
    text[name] = {
      profile: `\`${name}\` for a stack named ${name}; else **required**`,
      prefix: "`cnai-<stack>` (the stack name, cut to 16 characters)",
      zones: count === 1 ? "the region's first zone" : `the region's first ${count} zones`,
    };
  }
  return text;
}
