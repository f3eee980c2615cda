import { randomUUID } from "node:crypto";
import { appendFile } from "node:fs/promises";

/**
 * Appends step outputs to the file the runner names in `GITHUB_OUTPUT`, each in the
 * `name<<delimiter` form with a random delimiter, so no value can end early or add an output.
 */
export async function appendStepOutputs({ file, outputs }: { file: string; outputs: Record<string, string> }): Promise<void> {
  const text = Object.entries(outputs)
    .map(([name, value]) => {
      const delimiter = `audit-digest-${randomUUID()}`;
      return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
    })
    .join("");
  await appendFile(file, text);
}
