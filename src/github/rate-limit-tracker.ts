import type { Gauge } from "prom-client";

/** GitHub's primary rate limit for one installation, as its latest response told it. */
export interface RateLimitState {
  limit: number;
  remaining: number;
  resetAt: Date;
}

interface HookableOctokit {
  hook: {
    after(name: "request", hook: (response: { headers: Record<string, unknown> }) => void): void;
    error(name: "request", hook: (error: unknown) => unknown): void;
  };
}

/**
 * Remembers, per installation, the `x-ratelimit-*` headers of the latest GitHub response, so
 * jobs can budget without separate `/rate_limit` calls. Each process keeps its own: every job
 * makes requests of its own before deciding, which refreshes the figure.
 */
export class RateLimitTracker {
  readonly #states = new Map<number, RateLimitState>();
  readonly #gauge: Gauge<"installation"> | undefined;
  readonly #resetGauge: Gauge<"installation"> | undefined;

  /** `gauge` gets each installation's `remaining`, `resetGauge` its window's reset (Unix seconds). */
  constructor(gauge?: Gauge<"installation">, resetGauge?: Gauge<"installation">) {
    this.#gauge = gauge;
    this.#resetGauge = resetGauge;
  }

  /** Follows every response (and error response) of an installation's Octokit. */
  observe(octokit: HookableOctokit, installationId: number): void {
    octokit.hook.after("request", (response) => this.record(installationId, response.headers));
    octokit.hook.error("request", (error) => {
      const headers = (error as { response?: { headers?: Record<string, unknown> } }).response?.headers;
      if (headers) this.record(installationId, headers);
      throw error;
    });
  }

  record(installationId: number, headers: Record<string, unknown>): void {
    const remaining = Number(headers["x-ratelimit-remaining"]);
    const limit = Number(headers["x-ratelimit-limit"]);
    const reset = Number(headers["x-ratelimit-reset"]);
    if (!Number.isFinite(remaining) || !Number.isFinite(reset)) return;
    // Search has its own, smaller budget; only the core budget decides what a job may do.
    const resource = headers["x-ratelimit-resource"];
    if (resource !== undefined && resource !== "core") return;
    this.#states.set(installationId, { limit: Number.isFinite(limit) ? limit : remaining, remaining, resetAt: new Date(reset * 1000) });
    this.#gauge?.set({ installation: String(installationId) }, remaining);
    this.#resetGauge?.set({ installation: String(installationId) }, reset);
  }

  /** The latest state, or undefined when none is known or its window has passed. */
  get(installationId: number, now = new Date()): RateLimitState | undefined {
    const state = this.#states.get(installationId);
    return state && state.resetAt > now ? state : undefined;
  }
}
