export const DOCUMENTATION_URL = "https://docs.github.com/rest";

export interface GitHubErrorDetail {
  resource: string;
  code: string;
  field?: string;
  message?: string;
}

/** An error answered the way GitHub answers it: a status and `{ message, documentation_url, status }`. */
export class GitHubError extends Error {
  readonly status: number;
  readonly errors: GitHubErrorDetail[] | undefined;
  readonly headers: Record<string, string>;

  constructor(status: number, message: string, options: { errors?: GitHubErrorDetail[]; headers?: Record<string, string> } = {}) {
    super(message);
    this.name = "GitHubError";
    this.status = status;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
  }

  toBody(): Record<string, unknown> {
    return {
      message: this.message,
      ...(this.errors ? { errors: this.errors } : {}),
      documentation_url: DOCUMENTATION_URL,
      status: String(this.status),
    };
  }
}

export const notFound = (): GitHubError => new GitHubError(404, "Not Found");

export const notAccessibleByIntegration = (): GitHubError => new GitHubError(403, "Resource not accessible by integration");

/** GitHub's 422 for a field that breaks a model rule (as opposed to the request schema). */
export const validationFailed = (detail: GitHubErrorDetail): GitHubError =>
  new GitHubError(422, "Validation Failed", { errors: [detail] });
