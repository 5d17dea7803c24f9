import { diffSection } from "./plan-diff";
import { isHelmChart, isKubernetesObject, type Plan, type PlanResource, type Range } from "./plan-document";
import { causeOf } from "./policy-engine";
import { counted, resourceLabel } from "./violation-table";

/**
 * report.md: what a reviewer reads in a pull-request comment: a summary, the policy results, the
 * cost and carbon estimate, and a Mermaid diagram of the platform's components.
 */
export function renderReport(plan: Plan): string {
  return [
    `# cnai-platform plan: stack \`${plan.stack}\``,
    "",
    summarySection(plan),
    diffSection(plan.diff),
    policySection(plan),
    workloadsSection(plan),
    estimateSection(plan),
    diagramSection(plan),
  ].join("\n");
}

function summarySection(plan: Plan): string {
  const custom = plan.resources.filter((r) => r.custom);
  const components = plan.resources.filter((r) => !r.custom && r.type !== "pulumi:pulumi:Stack");
  const k8s = plan.resources.filter(isKubernetesObject);
  const charts = plan.resources.filter(isHelmChart);
  const byType = new Map<string, number>();
  for (const r of custom) byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
  const rows = [...byType.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const lines = [
    "## Summary",
    "",
    `- Mode: ${plan.preview ? "preview (provider-computed values unknown)" : "update (provider-computed values synthesised)"}`,
    `- Resources: ${plan.resources.length} (${custom.length} cloud and Kubernetes resources, ${components.length} components)`,
    `- Kubernetes objects: ${k8s.length}; Helm charts: ${charts.length}`,
    `- Protected resources: ${plan.resources.filter((r) => r.options.protect || r.options.retainOnDelete).length}`,
    "",
    "| resource type | count |",
    "|---|---:|",
    ...rows.map(([type, count]) => `| \`${type}\` | ${count} |`),
    "",
  ];
  if (charts.length) {
    lines.push("| Helm chart | version | repository |", "|---|---|---|");
    for (const chart of charts) {
      const repo = (chart.inputs.repositoryOpts as Record<string, unknown> | undefined)?.repo ?? "";
      lines.push(`| ${chart.inputs.chart} | ${chart.inputs.version ?? ""} | ${repo} |`);
    }
    lines.push("");
  }
  return lines.join("\n");
}

function policySection(plan: Plan): string {
  const { packs, violations } = plan.policy;
  if (packs.length === 0) return ["## Policy", "", "No policy packs ran.", ""].join("\n");
  const packNames = packs.map((p) => (typeof p === "string" ? p : p.name));
  const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory");
  const lines = [
    "## Policy",
    "",
    `Packs: ${packNames.join(", ")}. ${violations.length === 0 ? "No violations." : `${counted(violations.length, "violation")}, ${mandatory.length} mandatory.`}`,
    "",
  ];
  if (violations.length) {
    const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
    lines.push("| level | pack | policy | resource | message |", "|---|---|---|---|---|");
    for (const v of violations) {
      const resource = v.urn ? `\`${resourceLabel(v.urn)}\`` : "(stack)";
      lines.push(`| ${v.enforcementLevel} | ${v.pack} | ${v.policy} | ${resource} | ${cell(causeOf(v))} |`);
    }
    const why = new Map(violations.filter((v) => v.description).map((v) => [v.policy, v.description!]));
    if (why.size) {
      lines.push("", "Why these policies:", "");
      for (const [policy, description] of why) lines.push(`- \`${policy}\`: ${cell(description)}`);
    }
    lines.push("");
  }
  return lines.join("\n");
}

const STATUS: Readonly<Record<string, string>> = {
  runnable: "runs",
  refused: "**refused at admission**",
  "not-admitted": "**never admitted**",
  unschedulable: "**never scheduled**",
  misallocated: "**runs with resources it did not ask for**",
  unchecked: "not checked",
};

/** "Would it run?": each workload's Pods, their admission and the node pools they land on. */
function workloadsSection(plan: Plan): string {
  const section = plan.workloads;
  if (!section) return ["## Would it run?", "", "No workload simulation in this plan.", ""].join("\n");
  const { summary } = section;
  const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
  const lines = [
    "## Would it run?",
    "",
    `${summary.workloads} workloads: ${summary.runnable} run, ${summary.refused} refused at admission, ${summary.notAdmitted} never admitted, ${summary.unschedulable} never scheduled, ${summary.misallocated} given resources they did not ask for, ${summary.unchecked} not checked. ` +
      "Pods as their controllers create them at the pinned versions, through Kueue and the API server's admission, placed on the node pools at their maximum size." +
      (section.cluster ? ` Assumes Kubernetes ${section.cluster.version}: ${section.cluster.source}.` : ""),
    "",
    "| workload | namespace | status | Pods → where they land | admission |",
    "|---|---|---|---|---|",
  ];
  for (const w of section.workloads) {
    const pods =
      w.pods
        .map((p) => {
          const where = p.placement
            ? `${p.placement.pool} (${p.placement.nodes} node${p.placement.nodes === 1 ? "" : "s"})`
            : p.pools.length
              ? p.pools.join(", ")
              : "nowhere";
          const extra = p.injected.length ? ` [+ ${p.injected.join("; ")}]` : "";
          return `${p.name} ×${p.count} → ${where}${extra}`;
        })
        .join("<br/>") ||
      (w.notes[0] ?? "");
    const admission =
      [...new Set(w.pods.flatMap((p) => p.admission))].join(", ") +
      (w.queue
        ? `${w.pods.length ? ", " : ""}Kueue ${w.queue.localQueue}→${w.queue.clusterQueue ?? "?"} (${Object.values(w.queue.flavors).join(", ") || "no flavor"})`
        : "");
    lines.push(
      `| ${w.kind} \`${w.name}\` (${cell(w.source)}) | ${w.namespace} | ${STATUS[w.status] ?? w.status} | ${cell(pods)} | ${cell(admission)} |`,
    );
  }
  lines.push("");
  const problems = section.workloads.flatMap((w) => w.problems.map((p) => ({ w, p })));
  if (problems.length) {
    lines.push("| workload | Pod | step | why | fix |", "|---|---|---|---|---|");
    for (const { w, p } of problems)
      lines.push(
        `| ${w.kind} \`${w.namespace}/${w.name}\` | ${p.pod ?? ""} | ${p.step} | ${cell(p.message)} | ${cell(p.fix)} |`,
      );
    lines.push("");
  }
  lines.push(
    "| node pool | machine type | max nodes | a node offers Pods | DaemonSets take | taints |",
    "|---|---|---:|---|---|---|",
  );
  for (const pool of section.pools) {
    const offer = Object.entries(pool.allocatable)
      .map(([r, v]) => `${r} ${v}`)
      .join(", ");
    const daemons =
      Object.entries(pool.daemonSets)
        .map(([r, v]) => `${r} ${v}`)
        .join(", ") || "–";
    lines.push(
      `| ${pool.name} | ${pool.machineType} | ${pool.maxNodes} | ${offer} | ${daemons} | ${pool.taints.join(", ") || "–"} |`,
    );
  }
  if (section.pools.length)
    lines.push(
      "",
      "The plan's DaemonSets are subtracted; GKE's own (kube-proxy or anetd, logging and metrics agents, CSI nodes, the GPU device plugin) are not, so a node offers somewhat less.",
    );
  lines.push("");
  return lines.join("\n");
}

function estimateSection(plan: Plan): string {
  const e = plan.estimate;
  if (!e) return ["## Cost and carbon", "", "No estimate in this plan.", ""].join("\n");
  const fmt = (n: number) => n.toLocaleString("en-US", { maximumFractionDigits: n < 10 ? 2 : 0 });
  const range = (r: Range | null | undefined) => (r ? `${fmt(r.idle)} | ${fmt(r.max)}` : "unpriced | unpriced");
  const lines = [
    "## Cost and carbon (per month)",
    "",
    "| figure | idle (pools at minimum) | max (pools at maximum, all month) |",
    "|---|---:|---:|",
    `| GPUs | ${range(e.gpus)} |`,
    `| Energy, kWh | ${range(e.energyKwhPerMonth)} |`,
    `| CO2e, kg (location-based) | ${range(e.co2eKgPerMonth)} |`,
  ];
  const cfe = e.co2eKgPerMonthCfeAdjusted as Range | undefined;
  if (cfe) lines.push(`| CO2e, kg (net of carbon-free energy) | ${range(cfe)} |`);
  lines.push(`| Cost, USD | ${range(e.costUsdPerMonth)} |`);
  const ray = e.rayGpuWorkers as Range | undefined;
  if (ray && ray.max > 0) lines.push(`| of which Ray GPU workers, GPUs | ${range(ray)} |`);
  lines.push("");
  const details = (e.lines ?? []) as Array<{
    urn: string;
    kind: string;
    region: string | null;
    accelerator: string | null;
    capacity: string;
    gpus: Range;
    costUsdPerMonth: Range | null;
  }>;
  if (details.length) {
    lines.push(
      "| capacity | region | accelerator | provisioning | GPUs idle / max | USD idle / max |",
      "|---|---|---|---|---:|---:|",
    );
    for (const d of details) {
      lines.push(
        `| ${d.kind} \`${d.urn.split("::").pop()}\` | ${d.region ?? "?"} | ${d.accelerator ?? "?"} | ${d.capacity} | ${fmt(d.gpus.idle)} / ${fmt(d.gpus.max)} | ${d.costUsdPerMonth ? `${fmt(d.costUsdPerMonth.idle)} / ${fmt(d.costUsdPerMonth.max)}` : "unpriced"} |`,
      );
    }
    lines.push("");
  }
  const unpriced = (e.unpriced ?? []) as string[];
  if (unpriced.length)
    lines.push(
      `Not in the cost: ${unpriced.join(", ")} (the price table has no figure for them; machine types can be priced in the policy config, cnai-gpu-and-carbon-caps.prices).`,
      "",
    );
  const method = e.method as { hoursPerMonth: number; pue: number; priceTable: string; carbonData: string } | undefined;
  if (method) {
    lines.push(
      `Method: GPUs × board power × ${method.hoursPerMonth} h × PUE ${method.pue}; CO2e from ${method.carbonData}; prices: ${method.priceTable}. ` +
        "GPU capacity only (CPU nodes, storage and network are not counted). See docs/estimates.md.",
      "",
    );
  }
  return lines.join("\n");
}

/** A flowchart of the component tree: one node per component, with how many resources it holds. */
export function mermaidDiagram(resources: readonly PlanResource[]): string {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const isNode = (r: PlanResource) => !r.custom && r.type !== "pulumi:pulumi:Stack";
  const nodes = resources.filter(isNode);
  const ids = new Map(nodes.map((r, i) => [r.urn, `c${i}`]));
  const owned = new Map<string, number>();
  const ownerOf = (r: PlanResource): string | undefined => {
    let parent = r.parent ? byUrn.get(r.parent) : undefined;
    while (parent && !isNode(parent)) parent = parent.parent ? byUrn.get(parent.parent) : undefined;
    return parent?.urn;
  };
  for (const r of resources.filter((x) => x.custom)) {
    const owner = ownerOf(r);
    if (owner) owned.set(owner, (owned.get(owner) ?? 0) + 1);
  }
  const lines = ["flowchart TD"];
  for (const node of nodes) {
    const kind = node.type.split(":").pop();
    const count = owned.get(node.urn) ?? 0;
    lines.push(
      `  ${ids.get(node.urn)}["${kind}<br/>${escapeLabel(node.name)}<br/>${count} resource${count === 1 ? "" : "s"}"]`,
    );
  }
  for (const node of nodes) {
    const owner = ownerOf(node);
    if (owner) lines.push(`  ${ids.get(owner)} --> ${ids.get(node.urn)}`);
  }
  const dependsOn = new Set<string>();
  for (const node of nodes) {
    for (const dep of node.options.dependsOn) {
      const target = byUrn.get(dep);
      const owner = target && (isNode(target) ? target.urn : ownerOf(target));
      if (owner && owner !== node.urn && ownerOf(node) !== owner)
        dependsOn.add(`  ${ids.get(owner)} -.-> ${ids.get(node.urn)}`);
    }
  }
  lines.push(...dependsOn);
  return lines.join("\n");
}

function escapeLabel(text: string): string {
  return text.replace(/"/g, "#quot;");
}

function diagramSection(plan: Plan): string {
  return [
    "## Components",
    "",
    "Solid arrows: a component contains another; dotted: created after (depends on).",
    "",
    "```mermaid",
    mermaidDiagram(plan.resources),
    "```",
    "",
  ].join("\n");
}
