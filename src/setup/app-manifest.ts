import { readFileSync } from "node:fs";
import { parse } from "yaml";

/** `app.yml` beside `src/` and `dist/`: the app's name, events and permissions. */
const APP_YML = new URL("../../app.yml", import.meta.url);

/** The GitHub App manifest the setup page posts to GitHub (https://docs.github.com/apps/sharing-github-apps/registering-a-github-app-from-a-manifest). */
export interface AppManifest {
  name: string;
  url: string;
  description?: string;
  public: boolean;
  hook_attributes: { url: string; active: boolean };
  redirect_url: string;
  default_events: string[];
  default_permissions: Record<string, string>;
}

/**
 * The manifest of `app.yml` with the webhook URL and the setup flow's callback filled in.
 * The webhook URL is always the one given: a `hook_attributes` in `app.yml` does not replace it.
 */
export function buildAppManifest({ hookUrl, redirectUrl }: { hookUrl: string; redirectUrl: string }): AppManifest {
  const file = parse(readFileSync(APP_YML, "utf8")) as Partial<AppManifest> | null;
  if (!file?.name || !file.url) throw new Error(`app.yml must name the app (name) and its homepage (url): ${APP_YML.pathname}`);
  return {
    name: file.name,
    url: file.url,
    ...(file.description ? { description: file.description } : {}),
    public: file.public ?? false,
    default_events: file.default_events ?? [],
    default_permissions: file.default_permissions ?? {},
    hook_attributes: { url: hookUrl, active: true },
    redirect_url: redirectUrl,
  };
}
