import { sessionStore } from "../session";

/**
 * The sub an administrator's search names: an email (any case) that a user who has
 * signed in here had verified at the provider, or a sub as given (Auth0's have a
 * `connection|id` form; an enterprise one may hold an `@` after the bar, so a bar
 * decides). `null`: no such user known here. An unverified email finds no one: whoever
 * signs up with an address they do not own must not be the one an administrator acts on.
 */
export async function findUserSub(search: string): Promise<string | null> {
  const query = search.trim();
  if (query === "") return null;
  if (query.includes("@") && !query.includes("|")) {
    return sessionStore.findUserByEmail(query);
  }
  return query;
}
