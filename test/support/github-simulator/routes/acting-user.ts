import type { RouteContext } from "../route-definition.js";
import type { SimUser } from "../simulator-state.js";

/** The user an API write is attributed to: the app's bot user for installation tokens. */
export function actingUser(context: RouteContext): SimUser {
  return context.state.app.botUser;
}
