import * as z from "zod";

/** RFC 9457 problem details: the body of every 4xx/5xx JSON answer. */
export const problemSchema = z.object({
  type: z.string().default("about:blank"),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
});
export type Problem = z.infer<typeof problemSchema>;
