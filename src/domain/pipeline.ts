/**
 * The pipeline a new account starts with (its stage definitions), and the one a job gets when
 * the account has defined none.
 */
export const DEFAULT_PIPELINE = [
  { name: "Sourced", type: "sourced" },
  { name: "Applied", type: "applied" },
  { name: "Phone Screen", type: "screen" },
  { name: "Interview", type: "interview" },
  { name: "Offer", type: "offer" },
  { name: "Hired", type: "hired" },
] as const;
