/**
 * Log in, register, log out. Registering logs the new customer in straight away; the login page
 * links to the password reset (pages/email-links.ts).
 */
import { identityAnonymous } from "../api.ts";
import { loadCart, mergeGuestCart } from "../cart.ts";
import { h, replace } from "../dom.ts";
import { navigate, type Page } from "../router.ts";
import { currentSession, endSession, startSession } from "../session.ts";
import { errorBox, flash } from "../ui.ts";

/** The login page (`#/login?next=/checkout`). */
export const loginPage: Page = (main, { query }) => {
  main.append(credentialsForm("login", query.get("next") ?? "/"));
};

/** The registration page. */
export const registerPage: Page = (main, { query }) => {
  main.append(credentialsForm("register", query.get("next") ?? "/"));
};

/** Logs out: revokes the refresh token at the shop and forgets the session in this tab. */
export async function logout(): Promise<void> {
  const session = currentSession();
  endSession();
  flash("You are logged out.");
  navigate("/");
  if (session) await identityAnonymous.logout({ refreshToken: session.refreshToken }).catch(() => undefined);
}

function credentialsForm(kind: "login" | "register", next: string): HTMLElement {
  const registering = kind === "register";
  const email = h("input", {
    type: "email",
    name: "email",
    required: true,
    autocomplete: "email",
    id: "email",
  });
  const password = h("input", {
    type: "password",
    name: "password",
    required: true,
    minlength: registering ? 8 : undefined,
    autocomplete: registering ? "new-password" : "current-password",
    id: "password",
  });
  const problem = h("div");
  const submit = h("button", { type: "submit" }, registering ? "Create account" : "Log in");
  const other = `#/${registering ? "login" : "register"}?next=${encodeURIComponent(next)}`;
  const form = h(
    "form",
    {
      class: "panel narrow stack",
      onsubmit: async (event: Event) => {
        event.preventDefault();
        submit.disabled = true;
        problem.replaceChildren();
        try {
          const credentials = { email: email.value.trim(), password: password.value };
          if (registering) await identityAnonymous.register(credentials);
          const { user, tokens } = await identityAnonymous.login(credentials);
          if (!user || !tokens) throw new Error("The shop answered without your account.");
          // What the guest put in the cart comes along into the customer's cart, before any page shows it.
          await mergeGuestCart(tokens.accessToken).catch(() => undefined);
          startSession(user, tokens);
          void loadCart().catch(() => undefined);
          flash(
            registering
              ? `Welcome, ${user.email}! Your account is ready; we sent you a link to confirm your address.`
              : `Welcome back, ${user.email}.`,
          );
          navigate(next);
        } catch (error) {
          replace(problem, errorBox(error));
          submit.disabled = false;
        }
      },
    },
    h("h1", {}, registering ? "Create an account" : "Log in"),
    h("label", { for: "email" }, "Email"),
    email,
    h("label", { for: "password" }, "Password"),
    password,
    registering && h("p", { class: "muted small" }, "At least 8 characters."),
    !registering &&
      h(
        "p",
        { class: "muted small" },
        h(
          "a",
          {
            href: "#/forgot",
            // Carries what was typed over, so nobody types their address twice.
            onclick: (event: Event) => {
              event.preventDefault();
              navigate(`/forgot?email=${encodeURIComponent(email.value.trim())}`);
            },
          },
          "Forgot password?",
        ),
      ),
    problem,
    submit,
    h(
      "p",
      { class: "muted small" },
      registering ? "Already have an account? " : "New here? ",
      h("a", { href: other }, registering ? "Log in" : "Create an account"),
    ),
  );
  return form;
}
