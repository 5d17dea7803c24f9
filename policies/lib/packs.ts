import { GOVERNANCE } from "../governance/pack";
import type { PolicyPackDefinition } from "./policy";
import { SUSTAINABILITY } from "../sustainability/pack";

/** Both packs, in the order they run and report. */
export const PACKS: readonly PolicyPackDefinition[] = [GOVERNANCE, SUSTAINABILITY];
