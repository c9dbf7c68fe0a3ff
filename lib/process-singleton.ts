const registry = globalThis as typeof globalThis & {
  __appSingletons?: Map<string, unknown>;
};

/**
 * One instance per Node.js process. Next.js bundles the proxy, pages and API routes
 * separately, so a plain module-level constant would be created once per bundle (and
 * again on every hot reload): one Redis connection each. This keeps it to one.
 */
export function processSingleton<T>(name: string, create: () => T): T {
  registry.__appSingletons ??= new Map();
  if (!registry.__appSingletons.has(name)) registry.__appSingletons.set(name, create());
  return registry.__appSingletons.get(name) as T;
}
