// Scan ids are made on the device: `<deviceId>:<ULID>`, so two devices can never collide.
const DEVICE_ID = /^[A-Za-z0-9_-]{1,60}$/;
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export function scanIdFrom(deviceId: string, ulid: string): string {
  if (!DEVICE_ID.test(deviceId)) throw new Error(`invalid device id: ${deviceId}`);
  if (!ULID.test(ulid)) throw new Error(`invalid ULID: ${ulid}`);
  return `${deviceId}:${ulid}`;
}

export function deviceIdOfScan(scanId: string): string | null {
  const [device, ulid, ...rest] = scanId.split(':');
  return device && ulid && rest.length === 0 && DEVICE_ID.test(device) && ULID.test(ulid)
    ? device
    : null;
}
