import { nodeId, type ApiUrls } from "./api-urls.js";
import { isoTime } from "./iso-time.js";
import type { SimApp, SimInstallation, SimRepository, SimUser } from "./simulator-state.js";

/** A user, bot or organisation as GitHub shows it (`simple-user`). */
export function userJson(user: SimUser, urls: ApiUrls): Record<string, unknown> {
  const api = `${urls.api}/${user.type === "Organization" ? "orgs" : "users"}/${encodeURIComponent(user.login)}`;
  const users = `${urls.api}/users/${encodeURIComponent(user.login)}`;
  return {
    login: user.login,
    id: user.id,
    node_id: nodeId(user.type, user.id),
    avatar_url: `https://avatars.githubusercontent.com/u/${user.id}?v=4`,
    gravatar_id: "",
    url: api,
    html_url: `${urls.html}/${user.type === "Bot" ? "apps/" + user.login.replace(/\[bot\]$/, "") : user.login}`,
    followers_url: `${users}/followers`,
    following_url: `${users}/following{/other_user}`,
    gists_url: `${users}/gists{/gist_id}`,
    starred_url: `${users}/starred{/owner}{/repo}`,
    subscriptions_url: `${users}/subscriptions`,
    organizations_url: `${users}/orgs`,
    repos_url: `${users}/repos`,
    events_url: `${users}/events{/privacy}`,
    received_events_url: `${users}/received_events`,
    type: user.type,
    user_view_type: "public",
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

/** What a repository's JSON is built from: the simulator's record, or the few facts known of a fork elsewhere. */
export type RepositoryFacts = Pick<SimRepository, "id" | "owner" | "name" | "fullName" | "private" | "archived" | "hasIssues" | "defaultBranch" | "createdAt"> & {
  openIssues: number;
  fork: boolean;
};

export function repositoryFacts(repo: SimRepository): RepositoryFacts {
  return { ...repo, openIssues: repo.issues.filter((issue) => issue.state === "open").length, fork: false };
}

/** A repository as GitHub shows it (`full-repository`, which also satisfies `repository` and `minimal-repository`). */
export function repositoryJson(input: SimRepository | RepositoryFacts, urls: ApiUrls): Record<string, unknown> {
  const repo = "openIssues" in input ? input : repositoryFacts(input);
  const api = `${urls.api}/repos/${repo.fullName}`;
  const html = `${urls.html}/${repo.fullName}`;
  const host = new URL(urls.html).host;
  return {
    id: repo.id,
    node_id: nodeId("Repository", repo.id),
    name: repo.name,
    full_name: repo.fullName,
    owner: userJson(repo.owner, urls),
    private: repo.private,
    visibility: repo.private ? "private" : "public",
    html_url: html,
    description: null,
    fork: repo.fork,
    url: api,
    archive_url: `${api}/{archive_format}{/ref}`,
    assignees_url: `${api}/assignees{/user}`,
    blobs_url: `${api}/git/blobs{/sha}`,
    branches_url: `${api}/branches{/branch}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    comments_url: `${api}/comments{/number}`,
    commits_url: `${api}/commits{/sha}`,
    compare_url: `${api}/compare/{base}...{head}`,
    contents_url: `${api}/contents/{+path}`,
    contributors_url: `${api}/contributors`,
    deployments_url: `${api}/deployments`,
    downloads_url: `${api}/downloads`,
    events_url: `${api}/events`,
    forks_url: `${api}/forks`,
    git_commits_url: `${api}/git/commits{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_url: `git://${host}/${repo.fullName}.git`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    issue_events_url: `${api}/issues/events{/number}`,
    issues_url: `${api}/issues{/number}`,
    keys_url: `${api}/keys{/key_id}`,
    labels_url: `${api}/labels{/name}`,
    languages_url: `${api}/languages`,
    merges_url: `${api}/merges`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    pulls_url: `${api}/pulls{/number}`,
    releases_url: `${api}/releases{/id}`,
    ssh_url: `git@${host}:${repo.fullName}.git`,
    stargazers_url: `${api}/stargazers`,
    statuses_url: `${api}/statuses/{sha}`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    tags_url: `${api}/tags`,
    teams_url: `${api}/teams`,
    trees_url: `${api}/git/trees{/sha}`,
    clone_url: `${html}.git`,
    mirror_url: null,
    hooks_url: `${api}/hooks`,
    svn_url: html,
    homepage: null,
    language: null,
    forks: 0,
    forks_count: 0,
    stargazers_count: 0,
    watchers: 0,
    watchers_count: 0,
    size: 0,
    default_branch: repo.defaultBranch,
    open_issues: repo.openIssues,
    open_issues_count: repo.openIssues,
    is_template: false,
    topics: [],
    has_issues: repo.hasIssues,
    has_projects: true,
    has_wiki: true,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: repo.archived,
    disabled: false,
    license: null,
    pushed_at: isoTime(repo.createdAt),
    created_at: isoTime(repo.createdAt),
    updated_at: isoTime(repo.createdAt),
    network_count: 0,
    subscribers_count: 0,
  };
}
