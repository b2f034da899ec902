/**
 * What the synchronization engine checks before it syncs a user (X3-CONTRACT.md), and what an X3
 * administrator must set when a check fails. Pure: the server gathers the values from X3.
 */
import { z } from "zod";
import { ENTITIES, type Entity } from "./flags";

/** AUSCRMA codes ([I] 1–6 in the order of the X3 help); the first four are sales positions. */
export const SALES_FUNCTIONS = {
  "1": "salesEngineer",
  "2": "telemarketer",
  "3": "salesManager",
  "4": "followUpAgent",
  "5": "other",
  "6": "customerSupport",
} as const;
const SALES_POSITIONS = new Set(["1", "2", "3", "4"]);

export const FOLDER_SWITCH_OF: Readonly<Record<Entity, string>> = {
  contact: "CRMSYNCCOR",
  task: "CRMSYNCTSK",
  call: "CRMSYNCCLL",
  appointment: "CRMSYNCBAP",
};

export const PREREQUISITE_PROBLEMS = [
  "sync-off",
  "entity-off",
  "no-sales-function",
  "not-a-sales-position",
  "no-sales-rep",
  "x3-unreachable",
  /** X3 does not publish the parameters to this server (SOAP without the optional api1 classes): unchecked. */
  "x3-not-published",
] as const;

export const PrerequisiteProblemSchema = z.strictObject({
  code: z.enum(PREREQUISITE_PROBLEMS),
  /** For entity-off: which entity the folder does not synchronize. */
  entity: z.enum(ENTITIES).optional(),
  /** The X3 parameter an administrator must set (AUSCRMA, AUSCRMF, CRMSYNC, CRMSYNCxxx). */
  parameter: z.string().optional(),
});
export type PrerequisiteProblem = z.output<typeof PrerequisiteProblemSchema>;

export const PrerequisitesSchema = z.strictObject({
  /** AUSCRMA as X3 holds it, null when unset or unknown. */
  salesFunction: z.string().nullable(),
  /** AUSCRMF, the sales rep code. */
  salesRep: z.string().nullable(),
  /** CRMSYNC: synchronization management in the folder. */
  folderSync: z.boolean().nullable(),
  /** Per entity, whether the folder synchronizes it (CRMSYNCCOR / TSK / CLL / BAP). */
  entities: z.strictObject({ contact: z.boolean().nullable(), task: z.boolean().nullable(), call: z.boolean().nullable(), appointment: z.boolean().nullable() }),
  problems: z.array(PrerequisiteProblemSchema),
});
export type Prerequisites = z.output<typeof PrerequisitesSchema>;

export interface PrerequisiteInputs {
  /** null: X3 did not answer; "not-published": X3 does not publish them to this server. */
  readonly userParameters: { readonly AUSCRMA: string | null; readonly AUSCRMF: string | null } | null | "not-published";
  readonly folderParameters: Readonly<Record<string, boolean | null>> | null | "not-published";
}

const blank = (v: string | null | undefined): boolean => v === null || v === undefined || v.trim() === "";

export function evaluatePrerequisites(inputs: PrerequisiteInputs): Prerequisites {
  const problems: PrerequisiteProblem[] = [];
  // What could not be checked is said, never taken for "all prerequisites met".
  const unpublished = [inputs.userParameters, inputs.folderParameters].includes("not-published");
  const userParameters = inputs.userParameters === "not-published" ? null : inputs.userParameters;
  const folderParameters = inputs.folderParameters === "not-published" ? null : inputs.folderParameters;
  if (unpublished) problems.push({ code: "x3-not-published" });
  if ((!userParameters && inputs.userParameters !== "not-published") || (!folderParameters && inputs.folderParameters !== "not-published")) {
    problems.push({ code: "x3-unreachable" });
  }

  const folderSync = folderParameters?.["CRMSYNC"] ?? null;
  if (folderSync === false) problems.push({ code: "sync-off", parameter: "CRMSYNC" });
  const entities = Object.fromEntries(
    ENTITIES.map((e) => [e, folderParameters?.[FOLDER_SWITCH_OF[e]] ?? null]),
  ) as Prerequisites["entities"];
  for (const e of ENTITIES) {
    if (entities[e] === false) problems.push({ code: "entity-off", entity: e, parameter: FOLDER_SWITCH_OF[e] });
  }

  const salesFunction = blank(userParameters?.AUSCRMA) ? null : userParameters!.AUSCRMA!.trim();
  const salesRep = blank(userParameters?.AUSCRMF) ? null : userParameters!.AUSCRMF!.trim();
  if (userParameters) {
    if (!salesFunction) problems.push({ code: "no-sales-function", parameter: "AUSCRMA" });
    else if (!SALES_POSITIONS.has(salesFunction)) problems.push({ code: "not-a-sales-position", parameter: "AUSCRMA" });
    if (!salesRep) problems.push({ code: "no-sales-rep", parameter: "AUSCRMF" });
  }
  return { salesFunction, salesRep, folderSync, entities, problems };
}
