import type { NextApiHandler } from "next";

/**
 * Answers `405` with an `Allow` header to any method not in `methods`, before the
 * handler (and its authentication) runs.
 */
export function allowMethods(
  methods: readonly string[],
  handler: NextApiHandler,
): NextApiHandler {
  return (req, res) => {
    if (!req.method || !methods.includes(req.method)) {
      res.setHeader("Allow", methods.join(", "));
      res.status(405).json({ error: "method_not_allowed" });
      return;
    }
    return handler(req, res);
  };
}
