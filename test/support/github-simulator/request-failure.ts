export interface RequestFailure {
  status: number;
  /** The `message` GitHub put in the body. */
  message: string;
  data: unknown;
  headers: Record<string, string | number | undefined>;
}

/** Awaits an Octokit request that must fail and returns what GitHub answered; throws if it succeeded. */
export async function requestFailure(promise: Promise<unknown>): Promise<RequestFailure> {
  try {
    await promise;
  } catch (error) {
    const failed = error as { status?: number; response?: { data?: unknown; headers?: Record<string, string | number | undefined> } };
    if (typeof failed.status !== "number") throw error;
    const data = failed.response?.data;
    const message = typeof data === "object" && data !== null && typeof (data as { message?: unknown }).message === "string" ? (data as { message: string }).message : "";
    return { status: failed.status, message, data, headers: failed.response?.headers ?? {} };
  }
  throw new Error("Expected the request to fail, but it succeeded");
}
