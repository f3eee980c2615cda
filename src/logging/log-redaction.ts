/**
 * Log fields that may hold secrets: credentials, request headers, artifact snippets (which can
 * contain tokens) and request bodies (issue bodies, check run output). pino replaces their
 * values before a line is written.
 */
export const redactedLogPaths = [
  "privateKey",
  "*.privateKey",
  "token",
  "*.token",
  "secret",
  "*.secret",
  "webhookSecret",
  "*.webhookSecret",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "*.headers.authorization",
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-hub-signature-256"]',
  'req.headers["x-hub-signature"]',
  "snippet",
  "*.snippet",
  "hmacKeys",
  "*.hmacKeys",
  "body",
  "*.body",
  "request.body",
  "*.request.body",
  "response.data",
  "*.response.data",
];
