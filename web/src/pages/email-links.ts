/**
 * The pages behind the links of identity's emails: `#/verify?token=…` (confirms the address) and
 * `#/reset?token=…` (a new password), and `#/forgot` (asks for a reset link), linked from the login page.
 */
import { identityAnonymous } from "../api.ts";
import { h, replace } from "../dom.ts";
import { navigate, type Page } from "../router.ts";
import { currentSession, markEmailVerified } from "../session.ts";
import { errorBox, flash, loading } from "../ui.ts";

/** Confirms the address with the link's token and says what happened. */
export const verifyPage: Page = async (main, { query }) => {
  const panel = h("section", { class: "panel narrow stack" }, h("h1", {}, "Confirm your email"));
  const status = h("div", {}, loading("Confirming your address…"));
  panel.append(status);
  main.append(panel);
  try {
    const { user } = await identityAnonymous.verifyEmail({ token: query.get("token") ?? "" });
    if (user && currentSession()?.userId === user.id) markEmailVerified();
    replace(
      status,
      h("p", {}, `Thank you: ${user?.email ?? "your address"} is confirmed.`),
      h("p", {}, h("a", { href: "#/" }, "Continue shopping")),
    );
  } catch (error) {
    replace(status, errorBox(error), h("p", {}, h("a", { href: "#/" }, "Continue shopping")));
  }
};

/** A form for the new password; the link's token goes with it. */
export const resetPage: Page = (main, { query }) => {
  const token = query.get("token") ?? "";
  const password = h("input", {
    type: "password",
    name: "password",
    id: "new-password",
    required: true,
    minlength: 8,
    autocomplete: "new-password",
  });
  const problem = h("div");
  const submit = h("button", { type: "submit" }, "Set new password");
  const form = h(
    "form",
    {
      class: "panel narrow stack",
      onsubmit: async (event: Event) => {
        event.preventDefault();
        submit.disabled = true;
        problem.replaceChildren();
        try {
          await identityAnonymous.resetPassword({ token, newPassword: password.value });
          flash("Your password is changed. Please log in with it; every other session was ended.");
          navigate("/login");
        } catch (error) {
          replace(problem, errorBox(error));
          submit.disabled = false;
        }
      },
    },
    h("h1", {}, "Choose a new password"),
    h("label", { for: "new-password" }, "New password"),
    password,
    h("p", { class: "muted small" }, "At least 8 characters."),
    problem,
    submit,
    h("p", { class: "muted small" }, h("a", { href: "#/forgot" }, "Ask for a new link")),
  );
  main.append(form);
};

/** Asks for a reset link. The answer is the same whether or not the address has an account. */
export const forgotPage: Page = (main, { query }) => {
  const email = h("input", {
    type: "email",
    name: "email",
    id: "email",
    required: true,
    autocomplete: "email",
    value: query.get("email") ?? "",
  });
  const problem = h("div");
  const submit = h("button", { type: "submit" }, "Email me a link");
  const form: HTMLFormElement = h(
    "form",
    {
      class: "panel narrow stack",
      onsubmit: async (event: Event) => {
        event.preventDefault();
        submit.disabled = true;
        problem.replaceChildren();
        try {
          await identityAnonymous.requestPasswordReset({ email: email.value.trim() });
          replace(
            form,
            h("h1", {}, "Check your email"),
            h(
              "p",
              {},
              `If ${email.value.trim()} belongs to an account, a link to choose a new password is on its way. It works for one hour.`,
            ),
            h("p", {}, h("a", { href: "#/login" }, "Back to log in")),
          );
        } catch (error) {
          replace(problem, errorBox(error));
          submit.disabled = false;
        }
      },
    },
    h("h1", {}, "Forgot your password?"),
    h("p", { class: "muted" }, "Enter your email and we will send you a link to choose a new one."),
    h("label", { for: "email" }, "Email"),
    email,
    problem,
    submit,
  );
  main.append(form);
};
