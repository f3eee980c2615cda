import type { ErrorObject } from "ajv";

/** A request the simulator refused because it breaks GitHub's API contract (or a simulator fault). */
export interface SchemaViolation {
  method: string;
  path: string;
  /** Method and template when the route is known. */
  route: string | undefined;
  /** "route": no such operation; "path"/"query"/"body": schema failure; "simulator": the simulator itself failed. */
  where: "route" | "path" | "query" | "body" | "simulator";
  message: string;
  errors?: ErrorObject[];
}

export function formatViolations(violations: readonly SchemaViolation[]): string {
  return violations.map((violation) => `${violation.method} ${violation.path} [${violation.where}]: ${violation.message}`).join("\n");
}
