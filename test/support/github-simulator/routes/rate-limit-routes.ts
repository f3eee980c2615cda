import type { RateLimitStatus } from "../rate-limiter.js";
import type { RouteDefinition } from "../route-definition.js";

function view({ limit, remaining, used, reset, resource }: RateLimitStatus) {
  return { limit, remaining, used, reset, resource };
}

export const rateLimitRoutes: RouteDefinition[] = [
  {
    method: "GET",
    route: "/rate_limit",
    auth: "any",
    handler(context) {
      const core = view(context.rateLimitStatus("core"));
      return { body: { resources: { core, search: view(context.rateLimitStatus("search")) }, rate: core } };
    },
  },
];
