/**
 * GitHub request bodies never reach the log. They hold whole issue bodies, comments and check
 * run output, so a log line carrying one repeats what was sent at full length.
 *
 * Two places put them there:
 * - Probot's request logging (on every response, at `debug`) passes the request's parameters,
 *   body included, as the fields of a line whose message starts with `GitHub request: `; the
 *   fields are dropped and the message (method, URL, status) is kept.
 * - Octokit's `RequestError` keeps the request options (`request.body`) and the response
 *   (`response.data`); a logged error is written without both.
 */

const GITHUB_REQUEST_MESSAGE = /^GitHub request: /;

/** The arguments of a log call, without the fields of Probot's request log lines. */
export function stripRequestFields(args: readonly unknown[]): unknown[] {
  const [first, second] = args;
  const fieldsThenMessage = first !== null && typeof first === "object" && typeof second === "string";
  if (fieldsThenMessage && GITHUB_REQUEST_MESSAGE.test(second)) return [{}, ...args.slice(1)];
  return [...args];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Replaces a serialized error's `request` and `response` by copies without the body and the
 * data. The serialized error is the logger's own object; the error itself is not changed.
 */
export function stripErrorBodies<T extends Record<string, unknown>>(serialized: T): T {
  const fields: Record<string, unknown> = serialized;
  if (isRecord(fields.request) && "body" in fields.request) {
    const { body: _body, ...request } = fields.request;
    fields.request = request;
  }
  if (isRecord(fields.response) && "data" in fields.response) {
    const { data: _data, ...response } = fields.response;
    fields.response = response;
  }
  return serialized;
}
