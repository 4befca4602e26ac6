// Turns a code as read (typed, wedge or camera) into the form waybills are matched on.
const MAX_CODE_LENGTH = 512; // the scan schema's maxLength for `code` and `normalised`

export type CodeProblem = 'empty' | 'too-long';

/** Trimmed, upper-cased, with every whitespace character removed. GS1 handling comes later. */
export function normaliseCode(code: string): string {
  return code.replace(/\s+/gu, '').toUpperCase();
}

/** Why a code cannot be recorded, or null when it can. */
export function codeProblem(code: string): CodeProblem | null {
  if (normaliseCode(code) === '') return 'empty';
  if (code.length > MAX_CODE_LENGTH || normaliseCode(code).length > MAX_CODE_LENGTH) {
    return 'too-long';
  }
  return null;
}
