/**
 * Errors as sentences. The shop's services already answer with a sentence for the customer
 * (ConnectError.rawMessage); codes that mean "something went wrong on our side" get a friendly one.
 */
import { Code, ConnectError } from "@connectrpc/connect";

const FRIENDLY: Partial<Record<Code, string>> = {
  [Code.Unavailable]: "The shop cannot be reached right now. Please check your connection and try again.",
  [Code.Internal]: "Something went wrong on our side. Please try again in a moment.",
  [Code.Unknown]: "Something went wrong on our side. Please try again in a moment.",
  [Code.DataLoss]: "Something went wrong on our side. Please try again in a moment.",
  [Code.Unimplemented]: "This part of the shop is not available yet.",
  [Code.DeadlineExceeded]: "The shop took too long to answer. Please try again.",
  [Code.Canceled]: "The request was stopped before it finished.",
  [Code.ResourceExhausted]: "The shop is very busy. Please wait a moment and try again.",
  [Code.Unauthenticated]: "Please log in to continue.",
  [Code.PermissionDenied]: "Your account is not allowed to do that.",
};

/** The sentence to show for `error`. */
export function sentence(error: unknown): string {
  const connect = ConnectError.from(error);
  const friendly = FRIENDLY[connect.code];
  // Server-side failures may carry technical details: never show those to a customer.
  if (friendly && (serverFault(connect.code) || !looksLikeSentence(connect.rawMessage))) return friendly;
  if (looksLikeSentence(connect.rawMessage)) return connect.rawMessage;
  return friendly ?? "Something went wrong. Please try again.";
}

function serverFault(code: Code): boolean {
  return [Code.Internal, Code.Unknown, Code.DataLoss, Code.Unavailable, Code.Unimplemented].includes(code);
}

// A sentence starts with a capital letter and ends with punctuation ("Please log in first.").
function looksLikeSentence(text: string): boolean {
  return /^[A-Z].*[.!?]$/s.test(text.trim());
}
