import { nodeId, type ApiUrls } from "./api-urls.js";
import { isoTime } from "./iso-time.js";
import type { SimApp, SimInstallation, SimRepository, SimUser } from "./simulator-state.js";

export function userJson(user: SimUser, urls: ApiUrls): Record<string, unknown> {
  const path = user.type === "Organization" ? "orgs" : "users";
  return {
    login: user.login,
    id: user.id,
    node_id: nodeId(user.type, user.id),
    avatar_url: `https://avatars.githubusercontent.com/u/${user.id}?v=4`,
    url: `${urls.api}/${path}/${encodeURIComponent(user.login)}`,
    html_url: `${urls.html}/${user.type === "Bot" ? "apps/" + user.login.replace(/\[bot\]$/, "") : user.login}`,
    type: user.type,
    site_admin: false,
  };
}

export function appJson(app: SimApp, urls: ApiUrls): Record<string, unknown> {
  return {
    id: app.id,
    slug: app.slug,
    node_id: nodeId("Integration", app.id),
    client_id: `Iv1.${app.id.toString(16).padStart(16, "0")}`,
    owner: userJson(app.owner, urls),
    name: app.name,
    description: "",
    external_url: `${urls.html}/apps/${app.slug}`,
    html_url: `${urls.html}/apps/${app.slug}`,
    created_at: isoTime(app.createdAt),
    updated_at: isoTime(app.createdAt),
    permissions: {},
    events: [],
  };
}

export function installationJson(installation: SimInstallation, app: SimApp, urls: ApiUrls): Record<string, unknown> {
  return {
    id: installation.id,
    account: userJson(installation.account, urls),
    repository_selection: installation.repositorySelection,
    access_tokens_url: `${urls.api}/app/installations/${installation.id}/access_tokens`,
    repositories_url: `${urls.api}/installation/repositories`,
    html_url: `${urls.html}/organizations/${installation.account.login}/settings/installations/${installation.id}`,
    app_id: app.id,
    app_slug: app.slug,
    target_id: installation.account.id,
    target_type: installation.account.type,
    permissions: { ...installation.permissions },
    events: [...installation.events],
    created_at: isoTime(installation.createdAt),
    updated_at: isoTime(installation.createdAt),
    single_file_name: null,
    suspended_at: installation.suspended ? isoTime(installation.createdAt) : null,
    suspended_by: null,
  };
}

export function repositoryJson(repo: SimRepository, urls: ApiUrls): Record<string, unknown> {
  const api = `${urls.api}/repos/${repo.fullName}`;
  return {
    id: repo.id,
    node_id: nodeId("Repository", repo.id),
    name: repo.name,
    full_name: repo.fullName,
    owner: userJson(repo.owner, urls),
    private: repo.private,
    visibility: repo.private ? "private" : "public",
    html_url: `${urls.html}/${repo.fullName}`,
    url: api,
    issues_url: `${api}/issues{/number}`,
    labels_url: `${api}/labels{/name}`,
    fork: false,
    archived: repo.archived,
    disabled: false,
    has_issues: repo.hasIssues,
    default_branch: repo.defaultBranch,
    open_issues_count: repo.issues.filter((issue) => issue.state === "open").length,
    created_at: isoTime(repo.createdAt),
    updated_at: isoTime(repo.createdAt),
    pushed_at: isoTime(repo.createdAt),
  };
}
