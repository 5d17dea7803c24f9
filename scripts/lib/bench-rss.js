// Preloaded into benchmarked processes: writes the process's peak resident set size (KiB) to the
// file named by CNAI_BENCH_RSS when it exits.
const file = process.env.CNAI_BENCH_RSS;
if (file) process.on("exit", () => require("node:fs").writeFileSync(file, String(process.resourceUsage().maxRSS)));
