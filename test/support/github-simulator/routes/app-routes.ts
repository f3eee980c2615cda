import { appJson, installationJson, repositoryJson } from "../account-json.js";
import { installationCoversRepository } from "../authenticate-request.js";
import { GitHubError, notFound } from "../github-error.js";
import { issueInstallationToken } from "../issue-installation-token.js";
import { isoTime } from "../iso-time.js";
import { paginate } from "../paginate.js";
import { bodyObject, numberParam, type RouteDefinition } from "../route-definition.js";
import type { InstallationPermissions, PermissionLevel } from "../simulator-state.js";

const LEVELS: Record<PermissionLevel, number> = { read: 1, write: 2, admin: 3 };

export const appRoutes: RouteDefinition[] = [
  {
    method: "GET",
    route: "/app",
    auth: "app",
    handler(context) {
      return { body: appJson(context.state.app, context.urls) };
    },
  },
  {
    method: "GET",
    route: "/app/installations",
    auth: "app",
    handler(context) {
      const installations = [...context.state.installations.values()];
      const page = paginate(installations, context.query, context.requestUrl);
      return {
        body: page.items.map((installation) => installationJson(installation, context.state.app, context.urls)),
        headers: page.headers,
      };
    },
  },
  {
    method: "GET",
    route: "/app/installations/{installation_id}",
    auth: "app",
    handler(context) {
      const installation = context.state.installations.get(numberParam(context, "installation_id"));
      if (!installation) throw notFound();
      return { body: installationJson(installation, context.state.app, context.urls) };
    },
  },
  {
    method: "POST",
    route: "/app/installations/{installation_id}/access_tokens",
    auth: "app",
    handler(context) {
      const { state } = context;
      const installation = state.installations.get(numberParam(context, "installation_id"));
      if (!installation) throw notFound();
      if (installation.suspended) throw new GitHubError(403, "This installation has been suspended");
      const body = bodyObject(context);
      const requested = body.permissions as InstallationPermissions | undefined;
      for (const [name, level] of Object.entries(requested ?? {})) {
        const granted = installation.permissions[name];
        if (!granted || LEVELS[granted] < LEVELS[level]) {
          throw new GitHubError(422, "The permissions requested are not granted to this installation.");
        }
      }
      const covered = [...state.repositories.values()].filter((repo) => installationCoversRepository(installation, repo));
      const names = body.repositories as string[] | undefined;
      const ids = body.repository_ids as number[] | undefined;
      let narrowed: typeof covered | undefined;
      if (names || ids) {
        narrowed = covered.filter(
          (repo) => names?.some((name) => name.toLowerCase() === repo.name.toLowerCase()) || ids?.includes(repo.id),
        );
        if (narrowed.length !== (names?.length ?? 0) + (ids?.length ?? 0)) {
          throw new GitHubError(422, "There is at least one repository that does not exist or is not accessible to the parent installation.");
        }
      }
      const token = issueInstallationToken(state, installation, {
        permissions: requested,
        repositories: narrowed ? new Set(narrowed.map((repo) => repo.fullName.toLowerCase())) : undefined,
      });
      return {
        status: 201,
        body: {
          token: token.token,
          expires_at: isoTime(token.expiresAt),
          permissions: { ...(requested ?? installation.permissions) },
          repository_selection: narrowed ? "selected" : installation.repositorySelection,
          ...(narrowed ? { repositories: narrowed.map((repo) => repositoryJson(repo, context.urls)) } : {}),
        },
      };
    },
  },
];
