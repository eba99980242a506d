/**
 * Vault policies as the double reads them: the `path "…" { capabilities = [...] }` blocks of HCL.
 */

/** One `path "…" { capabilities = [...] }` block of a policy. */
export interface PolicyRule {
  path: string;
  capabilities: string[];
}

/** Parses the subset of Vault's policy HCL that Shop's policies use: path blocks with capabilities. */
export function parsePolicy(hcl: string): PolicyRule[] {
  const rules: PolicyRule[] = [];
  const block = /path\s+"([^"]+)"\s*\{\s*capabilities\s*=\s*\[([^\]]*)\]\s*\}/g;
  for (const match of hcl.replace(/#.*$/gm, "").matchAll(block)) {
    const capabilities = [...(match[2] ?? "").matchAll(/"([a-z]+)"/g)].map((m) => m[1] ?? "");
    rules.push({ path: match[1] ?? "", capabilities });
  }
  return rules;
}

// Vault's globs: `+` is one path segment, a trailing `*` any suffix.
export function allows(rules: PolicyRule[], path: string, capability: string): boolean {
  return rules.some((rule) => {
    if (!rule.capabilities.includes(capability) || rule.capabilities.includes("deny")) return false;
    const pattern = rule.path
      .split("+")
      .map((part) => part.replace(/[.?^${}()|[\]\\]/g, "\\$&"))
      .join("[^/]+")
      .replace(/\*$/, ".*");
    return new RegExp(`^${pattern}$`).test(path);
  });
}
