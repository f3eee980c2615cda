import type { ErrorObject } from "ajv";

/** A request the simulator refused because it breaks GitHub's API contract (or a simulator fault). */
export interface SchemaViolation {
  method: string;
  path: string;
  /** Method and template when the route is known. */
  route: string | undefined;
  /**
   * "route": no such operation; "path"/"query"/"body": the request breaks the schema;
   * "response": the simulator's answer breaks GitHub's response schema; "simulator": the
   * simulator itself failed. The last two are simulator bugs, not the app's.
   */
  where: "route" | "path" | "query" | "body" | "response" | "simulator";
  message: string;
  errors?: ErrorObject[];
}

export function formatViolations(violations: readonly SchemaViolation[]): string {
  return violations.map((violation) => `${violation.method} ${violation.path} [${violation.where}]: ${violation.message}`).join("\n");
}
