/** What `promise` rejects with; throws if it resolves (the test expected a failure). */
export async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("Expected the request to fail, but it succeeded");
}
