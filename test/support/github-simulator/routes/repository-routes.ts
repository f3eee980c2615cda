import { createHash } from "node:crypto";
import { installationJson, repositoryJson, userJson } from "../account-json.js";
import { installationCoversRepository } from "../authenticate-request.js";
import { notFound } from "../github-error.js";
import { paginate } from "../paginate.js";
import { requireRepo, type RouteContext, type RouteDefinition } from "../route-definition.js";
import type { RepositoryRole, SimRepository } from "../simulator-state.js";

/** The git blob id of a file: sha1 over "blob <size>\0<content>". */
function blobSha(data: Uint8Array): string {
  return createHash("sha1").update(`blob ${data.byteLength}\0`).update(data).digest("hex");
}

const ROLE_TO_PERMISSION: Record<RepositoryRole, string> = {
  admin: "admin",
  maintain: "write",
  write: "write",
  triage: "read",
  read: "read",
  none: "none",
};

export function repositoryRole(repo: SimRepository, username: string): RepositoryRole {
  const set = repo.collaborators.get(username.toLowerCase());
  if (set) return set;
  if (repo.owner.login.toLowerCase() === username.toLowerCase()) return "admin";
  return repo.private ? "none" : "read";
}

function contentEntry(context: RouteContext, repo: SimRepository, ref: string, path: string, data: Uint8Array | undefined) {
  const api = `${context.urls.api}/repos/${repo.fullName}/contents/${path}?ref=${encodeURIComponent(ref)}`;
  const sha = data ? blobSha(data) : createHash("sha1").update(`tree ${path}`).digest("hex");
  const html = `${context.urls.html}/${repo.fullName}/${data ? "blob" : "tree"}/${ref}/${path}`;
  const git = `${context.urls.api}/repos/${repo.fullName}/git/${data ? "blobs" : "trees"}/${sha}`;
  return {
    type: data ? "file" : "dir",
    size: data?.byteLength ?? 0,
    name: path.split("/").pop() ?? path,
    path,
    sha,
    url: api,
    html_url: html,
    git_url: git,
    download_url: data ? `https://raw.githubusercontent.com/${repo.fullName}/${ref}/${path}` : null,
    _links: { self: api, git, html },
  };
}

function getContents(context: RouteContext) {
  const repo = requireRepo(context);
  const path = (typeof context.params.path === "string" ? context.params.path : "").replace(/^\/+|\/+$/g, "");
  const ref = typeof context.query.ref === "string" && context.query.ref !== "" ? context.query.ref : repo.defaultBranch;
  const data = repo.files.get(`${ref}:${path}`);
  if (data) {
    if (/raw/i.test(context.headers.get("accept") ?? "")) {
      return { raw: { contentType: "application/vnd.github.raw; charset=utf-8", data } };
    }
    // GitHub wraps base64 content at 60 characters per line.
    const base64 = Buffer.from(data).toString("base64").replace(/(.{60})/g, "$1\n");
    return { body: { ...contentEntry(context, repo, ref, path, data), encoding: "base64", content: `${base64}\n` } };
  }
  const prefix = `${ref}:${path === "" ? "" : `${path}/`}`;
  const children = new Map<string, Uint8Array | undefined>();
  for (const [key, file] of repo.files) {
    if (!key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length);
    const [head = "", ...tail] = rest.split("/");
    children.set(head, tail.length === 0 ? file : undefined);
  }
  if (children.size === 0) throw notFound();
  return {
    body: [...children].map(([name, file]) => contentEntry(context, repo, ref, path === "" ? name : `${path}/${name}`, file)),
  };
}

export const repositoryRoutes: RouteDefinition[] = [
  {
    method: "GET",
    route: "/repos/{owner}/{repo}",
    auth: "installation",
    permission: [["metadata", "read"]],
    handler(context) {
      return { body: repositoryJson(requireRepo(context), context.urls) };
    },
  },
  {
    method: "GET",
    route: "/repos/{owner}/{repo}/contents/{path}",
    auth: "installation",
    permission: [["contents", "read"], ["single_file", "read"]],
    handler: getContents,
  },
  {
    method: "GET",
    route: "/repos/{owner}/{repo}/collaborators/{username}/permission",
    auth: "installation",
    permission: [["metadata", "read"]],
    handler(context) {
      const repo = requireRepo(context);
      const username = String(context.params.username);
      const user = context.state.users.get(username.toLowerCase());
      if (!user) throw notFound();
      const role = repositoryRole(repo, username);
      const at = (levels: RepositoryRole[]): boolean => levels.includes(role);
      const permissions = {
        admin: at(["admin"]),
        maintain: at(["admin", "maintain"]),
        push: at(["admin", "maintain", "write"]),
        triage: at(["admin", "maintain", "write", "triage"]),
        pull: at(["admin", "maintain", "write", "triage", "read"]),
      };
      return {
        body: { permission: ROLE_TO_PERMISSION[role], role_name: role, user: { ...userJson(user, context.urls), permissions, role_name: role } },
      };
    },
  },
  {
    method: "GET",
    route: "/repos/{owner}/{repo}/installation",
    auth: "app",
    handler(context) {
      const repo = requireRepo(context);
      const installation = [...context.state.installations.values()].find((candidate) => installationCoversRepository(candidate, repo));
      if (!installation) throw notFound();
      return { body: installationJson(installation, context.state.app, context.urls) };
    },
  },
  {
    method: "GET",
    route: "/installation/repositories",
    auth: "installation",
    handler(context) {
      if (context.actor.kind !== "installation") throw notFound();
      const installation = context.actor.installation;
      const repos = [...context.state.repositories.values()].filter((repo) => installationCoversRepository(installation, repo));
      const page = paginate(repos, context.query, context.requestUrl);
      return {
        body: {
          total_count: repos.length,
          repository_selection: installation.repositorySelection,
          repositories: page.items.map((repo) => repositoryJson(repo, context.urls)),
        },
        headers: page.headers,
      };
    },
  },
];
