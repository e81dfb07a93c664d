import { Layout } from "./layout.js";

/** The key form: the key is posted once and kept in an HttpOnly cookie, never in a URL. */
export function LoginPage(props: { message: string | null }) {
  return (
    <Layout title="helexa · sign in">
      <main class="login">
        <h1>helexa fleet</h1>
        <p>This cortex requires an API key. Admin keys also get the fleet actions.</p>
        {props.message === null ? null : <p class="error">{props.message}</p>}
        <form method="post" action="/ui/login">
          <label>
            API key <input type="password" name="key" autocomplete="current-password" required autofocus />
          </label>{" "}
          <button type="submit">Open the dashboard</button>
        </form>
      </main>
    </Layout>
  );
}
