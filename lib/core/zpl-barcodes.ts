// The barcodes a ZPL label template carries, each with the text it encodes once its {{field}}
// slots are filled, and bwip-js options to draw it for a preview (white background and a quiet
// zone: readers fail on bwip-js's transparent default). Pure: the template editor draws them.
// ZPL II Programming Guide: ^BC (Code 128), ^B3 (Code 39), ^BE (EAN-13), ^B8 (EAN-8), ^BU (UPC-A),
// ^B2 (Interleaved 2 of 5), ^BQ (QR code: field data starts with "<error correction><mode>,"),
// ^BX (Data Matrix), ^B7 (PDF417); ^FD … ^FS is the field data.

export type PreviewSymbology =
  | 'code128'
  | 'code39'
  | 'ean13'
  | 'ean8'
  | 'upca'
  | 'interleaved2of5'
  | 'qrcode'
  | 'datamatrix'
  | 'pdf417';

const ZPL_BARCODES: Readonly<Record<string, PreviewSymbology>> = {
  C: 'code128',
  '3': 'code39',
  E: 'ean13',
  '8': 'ean8',
  U: 'upca',
  '2': 'interleaved2of5',
  Q: 'qrcode',
  X: 'datamatrix',
  '7': 'pdf417',
};

const MATRIX: ReadonlySet<PreviewSymbology> = new Set(['qrcode', 'datamatrix', 'pdf417']);

export interface TemplateBarcode {
  /** Position among the template's barcodes (0-based). */
  index: number;
  symbology: PreviewSymbology;
  /** The slots this barcode's field data names, in order. */
  slots: string[];
  /** What the barcode encodes with the values given (QR: without the "QA," prefix). */
  text: string;
}

const SLOT = /\{\{\s*([A-Za-z][A-Za-z0-9_.]*)\s*\}\}/g;

/**
 * Every barcode field of `zpl`, its data filled from `values` (missing values are empty).
 * Barcode commands this preview does not know (e.g. ^BY is module width, not a barcode) are left
 * out; so is a barcode whose filled text is empty (nothing to draw).
 */
export function barcodesOfTemplate(
  zpl: string,
  values: Readonly<Record<string, string>>,
): TemplateBarcode[] {
  const found: TemplateBarcode[] = [];
  // Each field ends at ^FS; within one, the last barcode command decides how ^FD data is drawn.
  for (const field of zpl.split(/\^FS/i)) {
    const data = /\^FD([\s\S]*)$/i.exec(field);
    if (!data) continue;
    const symbology = [...field.slice(0, data.index).matchAll(/\^B([A-Z0-9])/gi)]
      .map((m) => ZPL_BARCODES[m[1]!.toUpperCase()])
      .filter((b) => b !== undefined)
      .at(-1);
    if (!symbology) continue;
    const raw = data[1]!;
    const slots = [...raw.matchAll(SLOT)].map((m) => m[1]!);
    let text = raw.replace(SLOT, (_m, name: string) => values[name] ?? '');
    // QR field data: error correction level, input mode, a comma, then the data.
    if (symbology === 'qrcode') text = text.replace(/^[HQML][AM],/i, '');
    text = text.replace(/[\r\n]+/g, '');
    if (text === '') continue;
    found.push({ index: found.length, symbology, slots, text });
  }
  return found;
}

export interface BarcodeRenderOptions {
  bcid: PreviewSymbology;
  text: string;
  scale: number;
  height?: number;
  includetext?: boolean;
  backgroundcolor: 'FFFFFF';
  paddingwidth: number;
  paddingheight: number;
}

/** bwip-js options for a preview: no `height` for matrix codes (bwip-js sizes them itself). */
export function barcodeRenderOptions(barcode: Pick<TemplateBarcode, 'symbology' | 'text'>) {
  const matrix = MATRIX.has(barcode.symbology);
  const options: BarcodeRenderOptions = {
    bcid: barcode.symbology,
    text: barcode.text,
    scale: matrix ? 4 : 2,
    backgroundcolor: 'FFFFFF',
    // Quiet zone: 10 modules beside a 1D code, 4 around a matrix code (bwip-js multiplies by scale).
    paddingwidth: matrix ? 4 : 10,
    paddingheight: matrix ? 4 : 4,
  };
  if (!matrix) {
    options.height = 15; // mm
    options.includetext = true;
  }
  return options;
}
