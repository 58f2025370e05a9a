// A real OpenID provider for aitower's single sign-on tests: panva's certified oidc-provider,
// on loopback, with its development login screens (any password; the login names an account).
//
//   node provider.mjs PORT ACCOUNTS_JSON CLIENT_ID CLIENT_SECRET REDIRECT_URI
//
// ACCOUNTS_JSON maps account ids to claims ({"sub", "preferred_username", "email", "name",
// "groups", "disabled"}); it is read on every lookup, so a test disables an account by
// rewriting the file. A disabled account is unknown to the provider: it cannot sign in.
import { readFileSync } from "node:fs";
import Provider from "oidc-provider";

const [port, accountsFile, clientId, clientSecret, redirectUri] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;

function account(id) {
  const found = JSON.parse(readFileSync(accountsFile, "utf8"))[id];
  if (!found || found.disabled) return undefined;
  return {
    accountId: id,
    async claims() {
      return { ...found, sub: id, email_verified: true };
    },
  };
}

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    },
  ],
  claims: {
    openid: ["sub"],
    profile: ["name", "preferred_username"],
    email: ["email", "email_verified"],
    groups: ["groups"],
  },
  scopes: ["openid", "profile", "email", "groups"],
  pkce: { required: () => true },
  findAccount: (ctx, id) => account(id),
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ["aitower-tests-only"] },
});
provider.proxy = false;
provider.listen(Number(port), "127.0.0.1", () => {
  console.log(`listening ${issuer}`);
});
