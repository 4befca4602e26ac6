// A typed wrapper around the untyped `ipp` 2.0.1 package: only its message codec is used; the
// HTTP exchange is ours (ipp.ts) so that timeouts and "did a byte leave" stay under control.
import { createRequire } from 'node:module';

export type IppValue = string | number | boolean | IppValue[] | { [name: string]: IppValue };
export type IppGroup = Record<string, IppValue>;

export interface IppRequest {
  version: '1.1' | '2.0';
  operation: 'Print-Job' | 'Get-Printer-Attributes' | 'Validate-Job' | 'Get-Jobs';
  id: number;
  'operation-attributes-tag': IppGroup;
  'job-attributes-tag'?: IppGroup;
  data?: Buffer;
}

export interface IppResponse {
  version: string;
  /** e.g. `successful-ok`, `client-error-document-format-not-supported` (RFC 8011 §4.1.6). */
  statusCode: string;
  id: number;
  'operation-attributes-tag'?: IppGroup;
  'printer-attributes-tag'?: IppGroup;
  'job-attributes-tag'?: IppGroup;
  'unsupported-attributes-tag'?: IppGroup;
}

interface IppModule {
  serialize(message: IppRequest): Buffer;
  parse(buffer: Buffer): IppResponse;
}

const ipp = createRequire(import.meta.url)('ipp') as IppModule;

export const serializeIpp = (message: IppRequest): Buffer => ipp.serialize(message);
export const parseIpp = (buffer: Buffer): IppResponse => ipp.parse(buffer);

/** An attribute that may hold one value or a set, as a list of strings. */
export function ippStrings(value: IppValue | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}
