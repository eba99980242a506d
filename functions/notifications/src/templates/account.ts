/**
 * The account emails: welcome with the verification link, the password-reset link, and the notice
 * that the password was changed.
 */
import { escapeHtml, htmlPage, link, p, type RenderedEmail, textPage } from "./layout.ts";

/**
 * The welcome email of a new account, with the link that verifies its address (none when the event
 * carried no token: an account registered before verification existed).
 */
export function welcomeEmail(input: { email: string; verifyUrl?: string; expiresAt?: Date }): RenderedEmail {
  const until = input.expiresAt ? ` (the link works until ${input.expiresAt.toUTCString()})` : "";
  const ask = `Please confirm that ${input.email} is your address${until}:`;
  const verify = input.verifyUrl;
  return {
    subject: verify ? "Welcome to Shop: please confirm your email" : "Welcome to Shop",
    text: textPage([
      "Welcome to Shop, and thank you for signing up.",
      ...(verify ? [`${ask}\n${verify}`] : []),
      "If you did not create this account, ignore this email and nothing happens.",
    ]),
    html: htmlPage(
      "Welcome to Shop",
      [
        p("Thank you for signing up."),
        ...(verify
          ? [
              p(ask),
              `<p>${link(verify, "Confirm my email")}</p>`,
              `<p style="color: #666">Or paste this into your browser: ${escapeHtml(verify)}</p>`,
            ]
          : []),
        p("If you did not create this account, ignore this email and nothing happens."),
      ].join("\n"),
    ),
  };
}

/** The password-reset email, with its single-use link. */
export function passwordResetEmail(input: { resetUrl: string; expiresAt?: Date }): RenderedEmail {
  const until = input.expiresAt
    ? `The link works once, until ${input.expiresAt.toUTCString()}.`
    : "The link works once.";
  return {
    subject: "Reset your Shop password",
    text: textPage([
      "Someone (we hope you) asked to reset the password of your Shop account.",
      `Choose a new one here:\n${input.resetUrl}`,
      until,
      "If it was not you, ignore this email: your password stays as it is.",
    ]),
    html: htmlPage(
      "Reset your password",
      [
        p("Someone (we hope you) asked to reset the password of your Shop account."),
        `<p>${link(input.resetUrl, "Choose a new password")}</p>`,
        `<p style="color: #666">Or paste this into your browser: ${escapeHtml(input.resetUrl)}</p>`,
        p(until),
        p("If it was not you, ignore this email: your password stays as it is."),
      ].join("\n"),
    ),
  };
}

/** The notice that the password of an account was changed (and every session signed out). */
export function passwordChangedEmail(input: { changedAt?: Date; resetUrl: string }): RenderedEmail {
  const when = input.changedAt ? ` on ${input.changedAt.toUTCString()}` : "";
  const lines = [
    `The password of your Shop account was changed${when}, and every device was signed out.`,
    "If that was you, there is nothing more to do.",
    `If it was not, reset your password at once: ${input.resetUrl}`,
  ];
  return {
    subject: "Your Shop password was changed",
    text: textPage(lines),
    html: htmlPage(
      "Your password was changed",
      [
        p(lines[0] ?? ""),
        p(lines[1] ?? ""),
        `<p>If it was not, ${link(input.resetUrl, "reset your password")} at once.</p>`,
      ].join("\n"),
    ),
  };
}
