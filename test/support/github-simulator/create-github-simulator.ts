import { createPublicKey } from "node:crypto";
import { testAppKey } from "../test-app-key.js";
import { createSimulatorFetch } from "./create-simulator-fetch.js";
import { newDeliveryGuid, sendWebhook, type WebhookInput } from "./deliver-webhook.js";
import { createRequestDispatcher } from "./dispatch-request.js";
import { createFaultInjector, type FaultHandle, type FaultSpec } from "./fault-injector.js";
import { readOpenApiSubset } from "./load-openapi-subset.js";
import { createRateLimiter, installationLimiterKey, type RateResource } from "./rate-limiter.js";
import { requestMatches, type LoggedRequest, type RequestFilter } from "./request-log.js";
import { createRequestValidator, type RequestValidator } from "./request-validator.js";
import { createResponseValidator, type ResponseValidator } from "./response-validator.js";
import type { BlobStore, RouteDefinition } from "./route-definition.js";
import { createRouteMatcher } from "./route-matcher.js";
import { actionsRoutes } from "./routes/actions-routes.js";
import { appRoutes } from "./routes/app-routes.js";
import { checkRunRoutes } from "./routes/check-run-routes.js";
import { commentRoutes } from "./routes/comment-routes.js";
import { hookDeliveryRoutes } from "./routes/hook-delivery-routes.js";
import { issueRoutes } from "./routes/issue-routes.js";
import { labelRoutes } from "./routes/label-routes.js";
import { pullRequestRoutes } from "./routes/pull-request-routes.js";
import { rateLimitRoutes } from "./routes/rate-limit-routes.js";
import { repositoryRoutes } from "./routes/repository-routes.js";
import { searchRoutes } from "./routes/search-routes.js";
import { formatViolations, type SchemaViolation } from "./schema-violation.js";
import { seededRandom } from "./seeded-random.js";
import { createSimulatorState, type SimHookDelivery } from "./simulator-state.js";
import { startHttpServer, type SimulatorServer } from "./start-http-server.js";
import { createWorldArranger, type WorldArranger } from "./world-arranger.js";
import { createWorldReader, type WorldReader } from "./world-reader.js";

export interface GitHubSimulatorOptions {
  /** Clock in epoch milliseconds (rate-limit windows, search lag, timestamps). Default `Date.now`. */
  now?: () => number;
  /** Primary limit per installation per hour (default 5,000) and search requests per minute (default 30). */
  rateLimit?: { limit: number; searchPerMinute?: number };
  /** GitHub's secondary limits: content-creating requests per minute (80) and requests in flight (100). */
  secondaryLimits?: { contentCreatingPerMinute?: number; concurrent?: number };
  /** How long a new issue stays invisible to search (default 60,000 ms). */
  searchLagMs?: number;
  /** Web host for html_url values (default "github.com"). */
  host?: string;
  /**
   * The simulated GitHub App; `id` must match the `iss` of the JWTs the app signs (Probot's
   * APP_ID), and `publicKey` (PEM) their signature: by default the public half of the tests'
   * app key (test/support/test-app-key.ts, whose private half `testPrivateKey` is).
   */
  app?: { id?: number; slug?: string; name?: string; publicKey?: string };
  /** Seed for the random share of requests `injectFault({ rate })` fails. */
  seed?: number;
}

export interface GitHubSimulator extends WorldArranger, WorldReader {
  /** WHATWG fetch answered in-process; pass as Octokit `request: { fetch }`. */
  fetch: typeof fetch;
  /** Serves the same simulator over HTTP on 127.0.0.1 (random port unless given). */
  listen: (options?: { port?: number }) => Promise<SimulatorServer>;
  /** Closes every server `listen` started. */
  close: () => Promise<void>;
  app: { id: number; slug: string; botLogin: string };
  /** Every request received, oldest first (a live array; `resetLog` empties it). */
  readonly requests: LoggedRequest[];
  countRequests: (filter?: RequestFilter) => number;
  /** Requests that were not GET (HEAD and OPTIONS aside). */
  writes: (filter?: RequestFilter) => LoggedRequest[];
  resetLog: () => void;
  /** Requests refused for breaking the API contract (unknown route, schema failure) or that crashed the simulator. */
  readonly schemaViolations: SchemaViolation[];
  /** Throws with every violation listed when there is any. */
  assertNoViolations: () => void;
  injectFault: (spec: FaultSpec) => FaultHandle;
  clearFaults: () => void;
  /**
   * Puts an installation's current rate-limit window (core unless `resource` says search) at
   * `remaining` requests left, resetting at `resetAt` (epoch ms on the simulator's clock, within
   * the window that starts now): as if it had spent the rest earlier in the window.
   */
  setRateLimit: (input: { installationId: number; remaining: number; resetAt: number; resource?: RateResource }) => void;
  /** Signs and POSTs a webhook, records it as an app hook delivery, and returns the receiver's status (0 when unreachable). */
  deliverWebhook: (input: WebhookInput) => Promise<number>;
  /** Recorded app hook deliveries, oldest first. */
  deliveries: () => Array<Omit<SimHookDelivery, "secret">>;
}

const ALL_ROUTES: RouteDefinition[] = [
  ...appRoutes,
  ...hookDeliveryRoutes,
  ...rateLimitRoutes,
  ...searchRoutes,
  ...repositoryRoutes,
  ...issueRoutes,
  ...pullRequestRoutes,
  ...commentRoutes,
  ...labelRoutes,
  ...checkRunRoutes,
  ...actionsRoutes,
];

/** Compiled schemas are kept across simulators: compiling them is the costly part of a request. */
let sharedValidator: RequestValidator | undefined;
let sharedResponseValidator: ResponseValidator | undefined;

export function createGitHubSimulator(options: GitHubSimulatorOptions = {}): GitHubSimulator {
  const now = options.now ?? Date.now;
  const state = createSimulatorState({
    now,
    htmlHost: options.host ?? "github.com",
    searchLagMs: options.searchLagMs ?? 60_000,
    app: {
      id: options.app?.id ?? 1,
      slug: options.app?.slug ?? "audit-digest",
      name: options.app?.name ?? "audit-digest",
      publicKey: createPublicKey(options.app?.publicKey ?? testAppKey.publicKey),
    },
  });

  const subset = readOpenApiSubset();
  const operations = subset.operations;
  const routes = new Map(ALL_ROUTES.map((route) => [`${route.method} ${route.route}`, route]));
  for (const operation of operations) {
    if (!routes.has(`${operation.method} ${operation.route}`)) throw new Error(`No handler for ${operation.method} ${operation.route}`);
  }
  for (const key of routes.keys()) {
    if (!operations.some((operation) => `${operation.method} ${operation.route}` === key)) {
      throw new Error(`${key} is not in the OpenAPI subset; add it to scripts/extract-openapi-subset.ts`);
    }
  }

  const requests: LoggedRequest[] = [];
  const schemaViolations: SchemaViolation[] = [];
  const faults = createFaultInjector(seededRandom(options.seed ?? 1));
  const blobs: BlobStore = new Map();
  const redeliver = (delivery: SimHookDelivery) =>
    sendWebhook(state, { url: delivery.url, secret: delivery.secret, event: delivery.event, body: delivery.requestBody, guid: delivery.guid, redelivery: true });

  const limiter = createRateLimiter({
    now,
    coreLimit: options.rateLimit?.limit ?? 5000,
    anonymousCoreLimit: 60,
    searchLimit: options.rateLimit?.searchPerMinute ?? 30,
    contentCreatingPerMinute: options.secondaryLimits?.contentCreatingPerMinute ?? 80,
    concurrent: options.secondaryLimits?.concurrent ?? 100,
  });
  const dispatch = createRequestDispatcher({
    state,
    limiter,
    faults,
    validate: (sharedValidator ??= createRequestValidator()),
    validateResponse: (sharedResponseValidator ??= createResponseValidator(subset)),
    matchRoute: createRouteMatcher(operations),
    routes,
    blobs,
    log: requests,
    violations: schemaViolations,
    redeliver,
  });

  const servers = new Set<SimulatorServer>();

  return {
    ...createWorldArranger(state),
    ...createWorldReader(state),
    fetch: createSimulatorFetch(dispatch),
    listen: async (listenOptions = {}) => {
      const server = await startHttpServer(dispatch, listenOptions.port);
      state.defaultApiBase = server.baseUrl;
      const tracked: SimulatorServer = {
        ...server,
        close: async () => {
          servers.delete(tracked);
          await server.close();
        },
      };
      servers.add(tracked);
      return tracked;
    },
    close: async () => {
      await Promise.all([...servers].map((server) => server.close()));
    },
    app: { id: state.app.id, slug: state.app.slug, botLogin: state.app.botUser.login },
    requests,
    countRequests: (filter = {}) => requests.filter((entry) => requestMatches(entry, filter)).length,
    writes: (filter = {}) => requests.filter((entry) => !["GET", "HEAD", "OPTIONS"].includes(entry.method) && requestMatches(entry, filter)),
    resetLog: () => {
      requests.length = 0;
    },
    schemaViolations,
    assertNoViolations: () => {
      if (schemaViolations.length > 0) {
        throw new Error(`The GitHub simulator recorded ${schemaViolations.length} violation(s) of GitHub's API contract:\n${formatViolations(schemaViolations)}`);
      }
    },
    injectFault: (spec) => faults.inject(spec),
    clearFaults: () => faults.clear(),
    setRateLimit: ({ installationId, remaining, resetAt, resource = "core" }) => {
      if (!state.installations.has(installationId)) throw new Error(`No installation ${installationId} in the simulator`);
      limiter.arrange(installationLimiterKey(installationId), resource, { remaining, resetAt });
    },
    deliverWebhook: async (input) => {
      const delivery = await sendWebhook(state, {
        url: input.url,
        secret: input.secret,
        event: input.event,
        body: JSON.stringify(input.payload),
        guid: input.deliveryId ?? newDeliveryGuid(),
        redelivery: false,
      });
      return delivery.statusCode;
    },
    deliveries: () => state.deliveries.map(({ secret: _secret, ...delivery }) => ({ ...delivery })),
  };
}
