import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The commands a reader of the docs would type: every line of a fenced `sh` or `bash` block (joined
 * over trailing backslashes, comments dropped) and every inline code span that starts with a command
 * this project documents (`npm ...`, `pulumi ...`). Each is split into its `&&` steps.
 */
export interface DocCommand {
  /** Where it is written, for messages: `docs/operations.md:42`. */
  readonly where: string;
  /** The command as written (whitespace normalised). */
  readonly text: string;
  /** A fenced block line, or an inline code span (which may name a command without its arguments). */
  readonly kind: "block" | "inline";
  /** Its steps: the `&&`-separated commands, each as words. */
  readonly steps: readonly (readonly string[])[];
}

/** Inline code spans starting with one of these are commands. */
export const INLINE_COMMANDS = ["npm", "npx", "node", "pulumi", "gcloud", "kubectl", "source"] as const;

/** The Markdown files whose commands are checked: the README, docs/*.md and bench/README.md. */
export function documentedFiles(root: string): string[] {
  const docs = fs.existsSync(path.join(root, "docs"))
    ? fs
        .readdirSync(path.join(root, "docs"))
        .filter((name) => name.endsWith(".md"))
        .sort()
        .map((name) => `docs/${name}`)
    : [];
  return ["README.md", ...docs, "bench/README.md"].filter((file) => fs.existsSync(path.join(root, file)));
}

export function docCommands(root: string, file: string): DocCommand[] {
  const lines = fs.readFileSync(path.join(root, file), "utf8").split("\n");
  const commands: DocCommand[] = [];
  let fence: string | undefined;
  let pending: { text: string; line: number } | undefined;
  const prose: { text: string; line: number }[] = [];
  lines.forEach((line, i) => {
    const opening = /^\s*```(\w*)/.exec(line);
    if (fence === undefined && opening) {
      fence = opening[1] ?? "";
      return;
    }
    if (fence !== undefined && /^\s*```\s*$/.test(line)) {
      fence = undefined;
      return;
    }
    if (fence === undefined) {
      prose.push({ text: line, line: i + 1 });
      return;
    }
    if (fence !== "sh" && fence !== "bash") return;
    const code = line.replace(/(^|\s)#.*$/, "").trimEnd();
    if (pending) pending.text += ` ${code.trim()}`;
    else if (code.trim()) pending = { text: code.trim(), line: i + 1 };
    if (pending?.text.endsWith("\\")) {
      pending.text = pending.text.slice(0, -1).trimEnd();
      return;
    }
    if (pending) commands.push(command(`${file}:${pending.line}`, pending.text, "block"));
    pending = undefined;
  });
  // Inline spans may wrap over a line break in the prose.
  const text = prose.map((p) => p.text).join("\n");
  const lineAt = (offset: number) => prose[text.slice(0, offset).split("\n").length - 1]?.line ?? 0;
  for (const match of text.matchAll(/`([^`]+)`/g)) {
    const span = match[1]!.replace(/\s+/g, " ").trim();
    const first = span.split(" ")[0]!;
    if ((INLINE_COMMANDS as readonly string[]).includes(first) && span.includes(" "))
      commands.push(command(`${file}:${lineAt(match.index!)}`, span, "inline"));
  }
  return commands;
}

function command(where: string, text: string, kind: DocCommand["kind"]): DocCommand {
  const steps: string[][] = [[]];
  for (const word of words(text)) {
    if (word === "&&") steps.push([]);
    else steps[steps.length - 1]!.push(word);
  }
  return { where, text, kind, steps: steps.filter((s) => s.length > 0) };
}

/** Shell words: whitespace-separated (a `<placeholder with spaces>` is one), single and double quotes removed. */
function words(text: string): string[] {
  return (text.match(/"[^"]*"|'[^']*'|(?:<[^>]*>|\$\([^)]*\)|[^\s<])+/g) ?? []).map((w) =>
    w.replace(/^(["'])(.*)\1$/, "$2"),
  );
}

/** A word the reader replaces (`<stack>`, `[--out <dir>]`, `dev|staging`): the command is a synopsis. */
export const isPlaceholder = (word: string): boolean => /<[^>]*>|^\[|\]$|…|\$\(/.test(word);

/** Flags (`--name`, `-s`) of a list of words, without their values. */
export const flagsOf = (words: readonly string[]): string[] =>
  words
    .map((w) => w.replace(/^[[(]+/, "").replace(/[\])]+$/, ""))
    .filter((w) => /^-{1,2}[A-Za-z]/.test(w))
    .map((w) => w.split("=")[0]!);

/**
 * The Pulumi CLI commands the docs use, with the flags each takes (beyond the global ones) and how
 * many positional arguments. From pulumi/pulumi pkg/cmd/pulumi (cobra definitions): operations/preview.go
 * and up.go (`--policy-pack`, `--policy-pack-config`: "Path to JSON file containing the config for the
 * policy pack of the corresponding --policy-pack flag", `--diff`, `-s/--stack`, `--yes`), stack/stack_select.go,
 * stack/stack_init.go, auth/login.go (`pulumi login [<url>]`), policy/policy_publish.go (`[org-name]`),
 * policy/policy_enable.go (`<org-name>/<policy-pack-name> <latest|version>`, `--policy-group`, `--config`),
 * policy/policy_validate.go (`validate-config <org-name>/<policy-pack-name> <version>`, `--config` required),
 * policy/policy_group_new.go and policy_group_edit.go (`--entity-type`, `--yes`; `--add-stack`),
 * config/config_set.go (`config set <key> [value]`, `--path`: "The key contains a path to a property in a map
 * or list to set", `--secret`, `--plaintext`); the
 * stack/stack_rm.go (`stack rm [<stack-name>]`, `--force`, `--yes`, `--preserve-config`); the generated references
 * at https://www.pulumi.com/docs/iac/cli/commands/ say the same.
 */
export const PULUMI_COMMANDS: Readonly<Record<string, { flags: readonly string[]; positionals: [number, number] }>> = {
  login: { flags: ["--local", "--cloud-url", "--insecure"], positionals: [0, 1] },
  "config set": { flags: ["--path", "--secret", "--plaintext", "-s", "--stack"], positionals: [1, 2] },
  "stack select": { flags: ["-s", "--stack", "-c", "--create"], positionals: [0, 1] },
  "stack init": { flags: ["-s", "--stack"], positionals: [0, 1] },
  "stack rm": { flags: ["-s", "--stack", "-f", "--force", "-y", "--yes", "--preserve-config"], positionals: [0, 1] },
  preview: {
    flags: ["--policy-pack", "--policy-pack-config", "--diff", "-s", "--stack", "--refresh", "-r"],
    positionals: [0, 0],
  },
  up: {
    flags: ["--policy-pack", "--policy-pack-config", "--diff", "-s", "--stack", "--yes", "-y", "--refresh", "-r"],
    positionals: [0, 0],
  },
  destroy: { flags: ["-s", "--stack", "--yes", "-y"], positionals: [0, 0] },
  "policy publish": { flags: [], positionals: [0, 1] },
  "policy enable": { flags: ["--policy-group", "--config"], positionals: [2, 2] },
  "policy validate-config": { flags: ["--config"], positionals: [2, 2] },
  "policy group new": { flags: ["--entity-type", "--mode", "--org", "--agent-pool-id", "--yes"], positionals: [1, 1] },
  "policy group edit": {
    flags: ["--add-stack", "--remove-stack", "--add-policy-pack", "--name", "--org"],
    positionals: [1, 1],
  },
};

/**
 * The gcloud commands the docs use, with the flags they take there. Sources: the gcloud reference,
 * https://cloud.google.com/sdk/gcloud/reference/auth/application-default/login,
 * https://cloud.google.com/sdk/gcloud/reference/services/enable (`SERVICE_NAME ...`; `--project` is a
 * gcloud-wide flag), https://cloud.google.com/sdk/gcloud/reference/storage/cp (`-r`, `--recursive`),
 * .../compute/instances/simulate-maintenance-event (`INSTANCE_NAMES`, `--zone`, `--async`,
 * `--with-extended-notifications`), .../beta/container/backup-restore/backups/list (`--backup-plan`, `--location`),
 * .../beta/container/backup-restore/restore-plans/create (`RESTORE_PLAN`, `--location`, `--backup-plan`,
 * `--cluster`, the namespace, restore-mode, volume-policy and cluster-resource-scope flags) and
 * .../beta/container/backup-restore/restores/create (`RESTORE`, `--location`, `--restore-plan`, `--backup`).
 * `--project`, `--quiet` and `--format` are gcloud-wide.
 */
export const GCLOUD_COMMANDS: Readonly<Record<string, { flags: readonly string[]; positionals: [number, number] }>> = {
  "auth application-default login": { flags: [], positionals: [0, 0] },
  "services enable": { flags: ["--project", "--async"], positionals: [1, 50] },
  "storage cp": { flags: ["-r", "--recursive", "--project"], positionals: [2, 50] },
  "compute instances simulate-maintenance-event": {
    flags: ["--zone", "--async", "--with-extended-notifications", "--project"],
    positionals: [1, 50],
  },
  "beta container backup-restore backups list": {
    flags: ["--backup-plan", "--location", "--project", "--filter", "--limit", "--format"],
    positionals: [0, 0],
  },
  "beta container backup-restore restore-plans create": {
    flags: [
      "--location",
      "--project",
      "--backup-plan",
      "--cluster",
      "--all-namespaces",
      "--excluded-namespaces",
      "--no-namespaces",
      "--selected-applications",
      "--selected-namespaces",
      "--async",
      "--cluster-resource-conflict-policy",
      "--description",
      "--labels",
      "--namespaced-resource-restore-mode",
      "--restore-order-file",
      "--volume-data-restore-policy",
      "--volume-data-restore-policy-bindings",
      "--cluster-resource-scope-all-group-kinds",
      "--cluster-resource-scope-excluded-group-kinds",
      "--cluster-resource-scope-no-group-kinds",
      "--cluster-resource-scope-selected-group-kinds",
      "--substitution-rules-file",
      "--transformation-rules-file",
    ],
    positionals: [1, 1],
  },
  "beta container backup-restore restores create": {
    flags: [
      "--location",
      "--project",
      "--restore-plan",
      "--backup",
      "--description",
      "--filter-file",
      "--labels",
      "--volume-data-restore-policy-overrides-file",
      "--async",
      "--wait-for-completion",
    ],
    positionals: [1, 1],
  },
};

/**
 * kubectl, as the docs use it, from the generated references at https://kubernetes.io/docs/reference/kubectl/generated/:
 * kubectl_apply (`--dry-run`, `-f`, `--server-side`), kubectl_get (`TYPE [NAME]`, `-A/--all-namespaces`, `-o`,
 * `--field-selector`, `-l`, `-w/--watch`), kubectl_drain (`NODE`, `--ignore-daemonsets`, `--delete-emptydir-data`,
 * `--force`, `--grace-period`, `--timeout`); `-n/--namespace` is kubectl-wide and may come before the verb.
 */
export const KUBECTL_COMMANDS: Readonly<Record<string, { flags: readonly string[]; positionals: [number, number] }>> = {
  apply: { flags: ["--dry-run", "-f", "--filename", "--server-side", "-n", "--namespace"], positionals: [0, 0] },
  get: {
    flags: [
      "-A",
      "--all-namespaces",
      "-o",
      "--output",
      "--field-selector",
      "-l",
      "--selector",
      "-w",
      "--watch",
      "-n",
      "--namespace",
    ],
    positionals: [1, 2],
  },
  drain: {
    flags: ["--ignore-daemonsets", "--delete-emptydir-data", "--force", "--grace-period", "--timeout", "--dry-run"],
    positionals: [1, 1],
  },
};

/** The longest known subcommand at the start of a command's words, and the rest. */
export function subcommand(
  table: Readonly<Record<string, unknown>>,
  words: readonly string[],
): { name: string; rest: string[] } | undefined {
  for (let n = Math.min(words.length, 4); n > 0; n--) {
    const name = words.slice(0, n).join(" ");
    if (name in table) return { name, rest: words.slice(n) };
  }
  return undefined;
}
