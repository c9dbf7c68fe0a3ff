/**
 * Post-login Action: lists the user's roles in the ID token, under the claim the app
 * reads them from (AUTH0_ROLES_CLAIM); `admin` opens /admin/sessions. The Deploy CLI
 * writes ROLES_CLAIM (config.json's AUTH0_KEYWORD_REPLACE_MAPPINGS) into the string
 * below. Auth0 drops a custom claim whose name is not namespaced (a URL), and the app
 * accepts only such a name.
 */
exports.onExecutePostLogin = async (event, api) => {
  // Always an array, empty without roles: the app reads anything else as no role.
  api.idToken.setCustomClaim("##ROLES_CLAIM##", event.authorization?.roles ?? []);
};
