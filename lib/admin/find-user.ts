import { sessionStore } from "../session";

/**
 * The sub an administrator's search names: an email (any case) of a user who has signed
 * in here, or a sub as given (Auth0's have a `connection|id` form; an enterprise one may
 * hold an `@` after the bar, so a bar decides). `null`: no such user known here.
 */
export async function findUserSub(search: string): Promise<string | null> {
  const query = search.trim();
  if (query === "") return null;
  if (query.includes("@") && !query.includes("|")) {
    return sessionStore.findUserByEmail(query);
  }
  return query;
}
