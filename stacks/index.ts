// The cnai-platform program: validate the stack's configuration, then build the platform from it.
import { loadConfig } from "./config/load";
import { buildPlatform } from "./platform";

export = buildPlatform(loadConfig());
