import type { CUSTOM_FIELD_ENTITIES, CUSTOM_FIELD_TYPES } from "../../db/schema/index.js";

export interface CustomFieldSpec {
  key: string;
  label: string;
  type: (typeof CUSTOM_FIELD_TYPES)[number];
  options?: readonly string[];
}

/**
 * Custom fields the seed defines, every type on every entity that can carry them. The person
 * field `remarks` is the one the planted candidates fill with hostile text; its label has a comma
 * and quotes because the Excel report and the CSVs use labels as column headers.
 */
export const CUSTOM_FIELDS: Record<(typeof CUSTOM_FIELD_ENTITIES)[number], readonly CustomFieldSpec[]> = {
  person: [
    { key: "remarks", label: 'Remarks, "internal"', type: "text" },
    { key: "desired_salary", label: "Desired salary", type: "number" },
    { key: "available_from", label: "Available from", type: "date" },
    { key: "willing_to_relocate", label: "Willing to relocate", type: "boolean" },
    { key: "seniority", label: "Seniority", type: "select", options: ["Junior", "Mid", "Senior", "Lead"] },
    {
      key: "languages",
      label: "Languages",
      type: "multiselect",
      options: ["English", "German", "French", "Spanish", "Mandarin", "Arabic"],
    },
    { key: "portfolio", label: "Portfolio", type: "url" },
  ],
  company: [
    { key: "notes", label: "Account notes", type: "text" },
    { key: "annual_revenue", label: "Annual revenue (EUR)", type: "number" },
    { key: "contract_start", label: "Contract start", type: "date" },
    { key: "is_partner", label: "Partner", type: "boolean" },
    { key: "tier", label: "Tier", type: "select", options: ["Gold", "Silver", "Bronze"] },
    {
      key: "tech_stack",
      label: "Tech stack",
      type: "multiselect",
      options: ["AWS", "GCP", "Azure", "On-prem"],
    },
    { key: "careers_page", label: "Careers page", type: "url" },
  ],
  job: [
    { key: "internal_code", label: "Internal code", type: "text" },
    { key: "salary_min", label: "Salary minimum", type: "number" },
    { key: "target_start", label: "Target start", type: "date" },
    { key: "budget_approved", label: "Budget approved", type: "boolean" },
    { key: "remote_policy", label: "Remote policy", type: "select", options: ["Onsite", "Hybrid", "Remote"] },
    {
      key: "benefits",
      label: "Benefits",
      type: "multiselect",
      options: ["Pension", "Health", "Equity", "Gym", "Bonus"],
    },
    { key: "posting_url", label: "Posting URL", type: "url" },
  ],
  deal: [
    { key: "notes", label: "Deal notes", type: "text" },
    { key: "fee_percent", label: "Fee %", type: "number" },
    { key: "signed_on", label: "Signed on", type: "date" },
    { key: "exclusive", label: "Exclusive", type: "boolean" },
    { key: "probability", label: "Probability", type: "select", options: ["Low", "Medium", "High"] },
    {
      key: "services",
      label: "Services",
      type: "multiselect",
      options: ["Search", "RPO", "Contract", "Advisory"],
    },
    { key: "contract_url", label: "Contract", type: "url" },
  ],
  client_contact: [
    { key: "notes", label: "Contact notes", type: "text" },
    { key: "nps", label: "NPS", type: "number" },
    { key: "birthday", label: "Birthday", type: "date" },
    { key: "decision_maker", label: "Decision maker", type: "boolean" },
    { key: "channel", label: "Preferred channel", type: "select", options: ["Email", "Phone", "LinkedIn"] },
    {
      key: "interests",
      label: "Interests",
      type: "multiselect",
      options: ["Tech", "Finance", "Sport", "Art"],
    },
    { key: "linkedin", label: "LinkedIn", type: "url" },
  ],
};
