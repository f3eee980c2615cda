import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { parseEnv } from "node:util";

/**
 * Sets `values` in the `.env` file at `path` (created with mode 0600), keeping every other
 * line as it was. Values are written double-quoted with newlines as `\n`, as Node's
 * `process.loadEnvFile` reads them back (it knows no other escape: a value that would not read
 * back the same is refused).
 */
export function writeEnvFile({ path, values }: { path: string; values: Record<string, string> }): void {
  const lines = existsSync(path) ? readFileSync(path, "utf8").split(/\r?\n/) : [];
  const kept = lines.filter((line) => {
    const name = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line)?.[1];
    return name === undefined || !(name in values);
  });
  while (kept.length > 0 && kept[kept.length - 1] === "") kept.pop();
  const added = Object.entries(values).map(([name, value]) => `${name}="${value.replace(/\r?\n/g, "\\n")}"`);
  const content = `${[...kept, ...added].join("\n")}\n`;
  const check = parseEnv(content);
  for (const [name, value] of Object.entries(values)) {
    if (check[name] !== value.replace(/\r\n/g, "\n")) throw new Error(`${name} cannot be written to ${path} so that it reads back the same`);
  }
  writeFileSync(path, content, { mode: 0o600 });
}
