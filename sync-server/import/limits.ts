// Limits of one manifest upload, checked once with a schema (defaults suit a 2-core server).
import { z } from 'zod';

export const importLimitsSchema = z
  .object({
    /** Size of the uploaded file. */
    maxFileBytes: z
      .number()
      .int()
      .positive()
      .default(50 * 1024 * 1024), // 50 MB
    /** Everything the zip unpacks to, counted while inflating (declared sizes are not trusted). */
    maxUncompressedBytes: z
      .number()
      .int()
      .positive()
      .default(256 * 1024 * 1024), // 256 MB
    /** One non-sheet part (shared strings, styles …): exceljs keeps these in memory. */
    maxPartBytes: z
      .number()
      .int()
      .positive()
      .default(64 * 1024 * 1024), // 64 MB
    /** Unpacked / packed size of one entry; real sheets stay far below, deflate bombs reach ~1000. */
    maxEntryRatio: z.number().positive().default(100),
    /** The ratio check starts above this many unpacked bytes, so tiny parts never trip it. */
    ratioFloorBytes: z
      .number()
      .int()
      .nonnegative()
      .default(1024 * 1024), // 1 MB
    maxEntries: z.number().int().positive().default(1_000),
    /** Highest row number of the chosen sheet. */
    maxRows: z.number().int().positive().default(200_000),
    /** Highest column number (lib/schema manifest `columns` holds at most 200). */
    maxColumns: z.number().int().positive().default(200),
  })
  .strict();

export type ImportLimits = z.infer<typeof importLimitsSchema>;
export type ImportLimitsInput = z.input<typeof importLimitsSchema>;

export function importLimits(input: ImportLimitsInput = {}): ImportLimits {
  return importLimitsSchema.parse(input);
}
