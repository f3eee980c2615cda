/** A GitHub Actions workflow command the runner reads from a step's standard output. */
export interface WorkflowCommand {
  command: "error" | "warning" | "notice";
  /** Annotation properties such as `file` and `title`; empty values are left out. */
  properties?: Record<string, string | undefined>;
  message: string;
}

const escapeData = (value: string): string => value.replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
const escapeProperty = (value: string): string => escapeData(value).replaceAll(":", "%3A").replaceAll(",", "%2C");

/**
 * `::error file=…,title=…::message`, one line, escaped as the runner expects, so that a
 * message with a newline or a `::` cannot end the annotation early or start another command.
 */
export function formatWorkflowCommand({ command, properties = {}, message }: WorkflowCommand): string {
  const props = Object.entries(properties)
    .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== "")
    .map(([key, value]) => `${key}=${escapeProperty(value)}`)
    .join(",");
  return `::${command}${props === "" ? "" : ` ${props}`}::${escapeData(message)}\n`;
}
