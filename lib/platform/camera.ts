// The camera: getUserMedia with a back-camera preference, the list of cameras, torch and zoom where
// the track supports them, and one `stop()` that ends every track. Loaded only with the scanner.
// https://w3c.github.io/mediacapture-main/ · https://w3c.github.io/mediacapture-image/

export type CameraProblem = 'denied' | 'no-camera' | 'busy' | 'insecure' | 'failed';

export const CAMERA_PROBLEM_TEXT: Record<CameraProblem, string> = {
  denied:
    'Dockhand may not use the camera. Allow the camera for this site in the browser’s site settings (the icon beside the address), then press Camera again. You can still type or use a hand scanner.',
  'no-camera':
    'No camera was found on this device. Connect one, or type the code or use a hand scanner.',
  busy: 'The camera is in use by another app or tab. Close it there, then press Camera again.',
  insecure:
    'The camera only works over a secure connection. Open Dockhand at its https:// address.',
  failed: 'The camera could not start. Press Camera to try again, or type the code.',
};

export class CameraError extends Error {
  constructor(
    readonly problem: CameraProblem,
    cause?: unknown,
  ) {
    super(CAMERA_PROBLEM_TEXT[problem], { cause });
  }
}

/** Which problem a getUserMedia failure is (DOMException names, Media Capture §9.2). */
export function cameraProblemOf(error: unknown): CameraProblem {
  if (error instanceof CameraError) return error.problem;
  const name = (error as { name?: string } | null)?.name ?? '';
  if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError')
    return 'denied';
  if (
    name === 'NotFoundError' ||
    name === 'OverconstrainedError' ||
    name === 'DevicesNotFoundError'
  )
    return 'no-camera';
  if (name === 'NotReadableError' || name === 'TrackStartError' || name === 'AbortError')
    return 'busy';
  return 'failed';
}

export interface CameraInfo {
  deviceId: string;
  label: string;
}

export interface ZoomRange {
  min: number;
  max: number;
  step: number;
  value: number;
}

export interface OpenCamera {
  stream: MediaStream;
  deviceId: string;
  /** Null when the track has no torch. */
  torch: boolean | null;
  /** Null when the track cannot zoom. */
  zoom: ZoomRange | null;
  setTorch(on: boolean): Promise<void>;
  setZoom(value: number): Promise<void>;
  /** Ends every track of the stream; safe to call twice. */
  stop(): void;
}

interface ImageCapabilities extends MediaTrackCapabilities {
  torch?: boolean;
  zoom?: { min: number; max: number; step?: number };
}

interface ImageSettings extends MediaTrackSettings {
  torch?: boolean;
  zoom?: number;
}

function mediaDevices(): MediaDevices {
  if (typeof window !== 'undefined' && !window.isSecureContext) throw new CameraError('insecure');
  const devices = typeof navigator !== 'undefined' ? navigator.mediaDevices : undefined;
  if (!devices?.getUserMedia) throw new CameraError('no-camera');
  return devices;
}

/** Video inputs; labels are empty until the person has allowed the camera once. */
export async function listCameras(): Promise<CameraInfo[]> {
  const all = await mediaDevices().enumerateDevices();
  return all
    .filter((d) => d.kind === 'videoinput')
    .map((d, i) => ({ deviceId: d.deviceId, label: d.label || `Camera ${i + 1}` }));
}

export async function openCamera(options: { deviceId?: string } = {}): Promise<OpenCamera> {
  let stream: MediaStream;
  try {
    stream = await mediaDevices().getUserMedia({
      audio: false,
      video: {
        ...(options.deviceId
          ? { deviceId: { exact: options.deviceId } }
          : { facingMode: { ideal: 'environment' } }),
        width: { ideal: 1280 },
        height: { ideal: 720 },
        frameRate: { ideal: 30 },
      },
    });
  } catch (error) {
    throw error instanceof CameraError ? error : new CameraError(cameraProblemOf(error), error);
  }
  const track = stream.getVideoTracks()[0];
  if (!track) {
    for (const t of stream.getTracks()) t.stop();
    throw new CameraError('no-camera');
  }
  const capabilities: ImageCapabilities =
    typeof track.getCapabilities === 'function' ? track.getCapabilities() : {};
  const settings = track.getSettings() as ImageSettings;
  const zoom = capabilities.zoom
    ? {
        min: capabilities.zoom.min,
        max: capabilities.zoom.max,
        step: capabilities.zoom.step ?? 0.1,
        value: settings.zoom ?? capabilities.zoom.min,
      }
    : null;
  const apply = (constraint: Record<string, unknown>) =>
    track.applyConstraints({ advanced: [constraint as MediaTrackConstraintSet] });
  return {
    stream,
    deviceId: settings.deviceId ?? options.deviceId ?? '',
    torch: capabilities.torch ? Boolean(settings.torch) : null,
    zoom,
    setTorch: (on) => apply({ torch: on }),
    setZoom: (value) => apply({ zoom: value }),
    stop() {
      for (const t of stream.getTracks()) t.stop();
    },
  };
}
