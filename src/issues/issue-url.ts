/** The web address of an issue, e.g. `https://github.com/acme/app/issues/7`. */
export function issueUrl(github: { webHost: string; webProtocol: string }, repository: string, number: number): string {
  return `${github.webProtocol}://${github.webHost}/${repository}/issues/${number}`;
}
