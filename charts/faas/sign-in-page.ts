/**
 * oauth2-proxy's sign-in page for `signIn: local-users` (mounted with --custom-templates-dir). The
 * stock page always offers "Sign in with <provider>", which with local users would lead to a
 * provider nobody registered; this one shows only the username/password form. It uses the fields
 * oauth2-proxy passes to sign_in.html (ProxyPrefix, Redirect, SignInMessage); Go's html/template
 * escapes them.
 */
export const SIGN_IN_TEMPLATE = `{{define "sign_in.html"}}<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in - code execution</title>
<style>
body { font-family: system-ui, sans-serif; background: #f4f5f7; margin: 0; }
main { max-width: 22rem; margin: 4rem auto; background: #fff; padding: 2rem; border-radius: 8px; box-shadow: 0 1px 4px rgba(0,0,0,.15); }
label { display: block; margin-top: 1rem; font-weight: 600; }
input { width: 100%; box-sizing: border-box; padding: .5rem; margin-top: .25rem; }
button { margin-top: 1.5rem; width: 100%; padding: .6rem; font-weight: 600; }
</style>
</head>
<body>
<main>
<h1>Sign in</h1>
{{ if .SignInMessage }}<p>{{.SignInMessage}}</p>{{ end }}
<p>Use an account <code>npm run deploy</code> created (see <code>state/&lt;env&gt;/sign-in-users.json</code>).</p>
<form method="POST" action="{{.ProxyPrefix}}/sign_in">
<input type="hidden" name="rd" value="{{.Redirect}}">
<label for="username">Email</label>
<input type="text" name="username" id="username" autocomplete="username" required>
<label for="password">Password</label>
<input type="password" name="password" id="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
</main>
</body>
</html>
{{end}}
`;
