// AIM symbology identifiers ("]C1", "]Q3", …) that scanners may prefix to the data they send.
// ISO/IEC 15424: ']' + a code character + a modifier character.

export interface SymbologyData {
  /** The identifier as sent, e.g. "]C1", or null when there was none. */
  identifier: string | null;
  /** True when the identifier says the data is a GS1 element string. */
  gs1: boolean;
  data: string;
}

const AIM_ID = /^\][A-Za-z][0-9A-Za-z]/;
// GS1-128, GS1 DataBar, GS1 DataMatrix, GS1 QR, GS1 Composite.
const GS1_IDS = new Set([']C1', ']e0', ']d2', ']Q3', ']J1']);

export function splitSymbologyIdentifier(raw: string): SymbologyData {
  const match = AIM_ID.exec(raw);
  if (!match) return { identifier: null, gs1: false, data: raw };
  const identifier = match[0];
  return { identifier, gs1: GS1_IDS.has(identifier), data: raw.slice(identifier.length) };
}
