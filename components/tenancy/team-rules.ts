/**
 * A team's name rule and defaults, shared by the config schema (`teams[]`) and `TeamNamespace`.
 * The name becomes the namespace `team-<name>` (components/naming.ts), a DNS label (RFC 1123).
 */
export const TEAM_NAME = {
  pattern: /^[a-z]([a-z0-9-]{0,28}[a-z0-9])?$/,
  allowed:
    "a team name: a lower-case letter, then letters, digits and '-', ending with a letter or digit, at most 30 characters (its namespace is team-<name>)",
} as const;

/** `TeamNamespace`'s defaults, which are also the config's defaults of `teams[]`. */
export const TEAM_DEFAULTS = {
  podSecurity: "baseline",
  quota: { gpus: 8, cpu: 64, memoryGi: 256, pods: 200 },
} as const;
