/** The administrators' X3 connection test, as the server reports it and the pane shows it. */
import { z } from "zod";

export const ConnectionStepSchema = z.strictObject({
  /** "reach", "tls", "auth", or "class:<TABLE>". */
  id: z.string(),
  /** null: not tried, because an earlier step failed. */
  ok: z.boolean().nullable(),
  detail: z.string(),
  /** What to change when the step failed. */
  fix: z.string().nullable(),
});
export type ConnectionStep = z.output<typeof ConnectionStepSchema>;

export const ConnectionReportSchema = z.strictObject({
  ok: z.boolean(),
  baseUrl: z.string(),
  steps: z.array(ConnectionStepSchema),
});
export type ConnectionReport = z.output<typeof ConnectionReportSchema>;
