export interface FaultSpec {
  /** HTTP method; any when omitted (or given as a prefix of `route`, e.g. "POST /repos/{owner}/{repo}/issues"). */
  method?: string;
  /** Route template as in the OpenAPI description, e.g. "/repos/{owner}/{repo}/issues". */
  route: string;
  /** Status to answer with; omit for a latency-only fault. */
  status?: 400 | 401 | 403 | 404 | 410 | 422 | 429 | 451 | 500 | 502 | 503 | 504;
  message?: string;
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
}

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
        if (fault.route !== route || (fault.method !== undefined && fault.method !== method)) continue;
        if (fault.spec.rate !== undefined && random() >= fault.spec.rate) continue;
        fault.fired += 1;
        if (fault.spec.times !== undefined && fault.fired >= fault.spec.times) {
          faults = faults.filter((candidate) => candidate !== fault);
        }
        const status = fault.spec.status;
        return {
          status,
          message: fault.spec.message ?? (status === undefined ? "" : (DEFAULT_MESSAGES[status] ?? "Error")),
          latencyMs: fault.spec.latencyMs ?? 0,
          retryAfter: fault.spec.retryAfter,
        };
      }
      return undefined;
    },
  };
}
