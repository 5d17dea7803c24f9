import { GOVERNANCE } from "../governance/pack";
import governancePackage from "../governance/package.json";
import { SUSTAINABILITY } from "../sustainability/pack";
import sustainabilityPackage from "../sustainability/package.json";
import type { PolicyPackDefinition } from "./policy";

/**
 * A shipped pack: its definition, its folder under `policies/` (what `--policy-pack` names, and
 * the name of its config file in `policies/config/<stack>/`), and its version (package.json's,
 * which PolicyPack reports and CrossGuard puts in its messages).
 */
export interface ShippedPack extends PolicyPackDefinition {
  readonly dir: string;
  readonly version: string;
}

/** Both packs, in the order they run and report. */
export const PACKS: readonly ShippedPack[] = [
  { ...GOVERNANCE, dir: "governance", version: governancePackage.version },
  { ...SUSTAINABILITY, dir: "sustainability", version: sustainabilityPackage.version },
];
