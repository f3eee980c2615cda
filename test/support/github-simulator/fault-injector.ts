export interface FaultSpec {
  /** HTTP method; any when omitted (or given as a prefix of `route`, e.g. "POST /repos/{owner}/{repo}/issues"). */
  method?: string;
  /** Route template as in the OpenAPI description, e.g. "/repos/{owner}/{repo}/issues"; `*` matches every route. */
  route: string;
  /** Status to answer with; omit for a latency-only fault. */
  status?: 400 | 401 | 403 | 404 | 410 | 422 | 429 | 451 | 500 | 502 | 503 | 504;
  message?: string;
  /**
   * GitHub carries the request out (the handler runs, a write happens) and then answers with
   * `status` anyway, as a proxy that loses the answer does: the client cannot tell whether its
   * write took place. Without it, the fault answers before anything is done.
   */
  afterWrite?: boolean;
  /**
   * A secondary rate limit: 403 with GitHub's secondary-limit message and a `retry-after`
   * (`retryAfter`, 1 s unless given), answered before anything is done. `status` and
   * `message` are then ignored.
   */
  secondaryRateLimit?: boolean;
  /** Fire this many times, then remove itself. */
  times?: number;
  /** Share of matching requests that fail (0..1), drawn from the simulator's seeded random source. */
  rate?: number;
  /** Delay before answering (applies to every matching request the fault fires on). */
  latencyMs?: number;
  /** Seconds for a `retry-after` header. */
  retryAfter?: number;
}

export interface FaultHandle {
  remove(): void;
  /** How many requests this fault has fired on. */
  readonly fired: number;
}

export interface FiredFault {
  status: number | undefined;
  message: string;
  latencyMs: number;
  retryAfter: number | undefined;
  /** Answer `status` only after the request was carried out. */
  afterWrite: boolean;
}

/** GitHub's words for a secondary rate limit (the request id follows them). */
export const SECONDARY_LIMIT_MESSAGE =
  "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. " +
  "If you reach out to GitHub Support for help, please include the request ID";

export interface FaultInjector {
  inject(spec: FaultSpec): FaultHandle;
  clear(): void;
  /** The fault that fires for this request, if any (counts it). */
  fire(method: string, route: string): FiredFault | undefined;
}

const DEFAULT_MESSAGES: Record<number, string> = {
  400: "Bad Request",
  401: "Bad credentials",
  403: "Resource not accessible by integration",
  404: "Not Found",
  410: "Gone",
  422: "Validation Failed",
  429: "Too Many Requests",
  451: "Repository access blocked",
  500: "Server Error",
  502: "Server Error",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

interface ActiveFault {
  method: string | undefined;
  route: string;
  spec: FaultSpec;
  fired: number;
}

export function createFaultInjector(random: () => number): FaultInjector {
  let faults: ActiveFault[] = [];
  return {
    inject(spec) {
      const [prefix, rest] = spec.route.includes(" ") ? spec.route.split(/\s+/, 2) : [undefined, spec.route];
      const fault: ActiveFault = { method: (spec.method ?? prefix)?.toUpperCase(), route: rest ?? spec.route, spec, fired: 0 };
      faults.push(fault);
      return {
        remove: () => {
          faults = faults.filter((candidate) => candidate !== fault);
        },
        get fired() {
          return fault.fired;
        },
      };
    },
    clear() {
      faults = [];
    },
    fire(method, route) {
      for (const fault of faults) {
        if ((fault.route !== "*" && fault.route !== route) || (fault.method !== undefined && fault.method !== method)) continue;
        if (fault.spec.rate !== undefined && random() >= fault.spec.rate) continue;
        fault.fired += 1;
        if (fault.spec.times !== undefined && fault.fired >= fault.spec.times) {
          faults = faults.filter((candidate) => candidate !== fault);
        }
        const latencyMs = fault.spec.latencyMs ?? 0;
        if (fault.spec.secondaryRateLimit) {
          return { status: 403, message: `${SECONDARY_LIMIT_MESSAGE}.`, latencyMs, retryAfter: fault.spec.retryAfter ?? 1, afterWrite: false };
        }
        const status = fault.spec.status;
        return {
          status,
          message: fault.spec.message ?? (status === undefined ? "" : (DEFAULT_MESSAGES[status] ?? "Error")),
          latencyMs,
          retryAfter: fault.spec.retryAfter,
          afterWrite: status !== undefined && fault.spec.afterWrite === true,
        };
      }
      return undefined;
    },
  };
}
