// Waveform peaks computed by the server (GET /api/v1/media/{id}/peaks) for audio the
// browser only streams: hours of sound cannot be downloaded and decoded in the page, but
// their min/max per bucket is a few hundred kilobytes. wavesurfer draws channel 0 above
// the centre line and channel 1 below it, so [max, min] gives the true envelope.

/** Peaks asked per second of audio; the server rounds up to a power of two (32..65536). */
export const PEAKS_PER_SECOND = 8;
export const MIN_POINTS = 2048;
export const MAX_POINTS = 65536;

/** The peaks endpoint of a stored media URL (same origin, `/api/v1/media/{id}`), else null. */
export function peaksUrl(src) {
  const url = new URL(src, window.location.href);
  if (url.origin !== window.location.origin) return null;
  return /^\/api\/v1\/media\/\d+$/.test(url.pathname) ? `${url.pathname}/peaks` : null;
}

/** How many buckets to ask for `duration` seconds: enough to zoom in a little. */
export function pointsFor(duration) {
  const wanted = Number.isFinite(duration) ? Math.ceil(duration * PEAKS_PER_SECOND) : MIN_POINTS;
  return Math.min(MAX_POINTS, Math.max(MIN_POINTS, wanted));
}

/**
 * The server's peaks for `src`, as wavesurfer takes them, or null when there are none
 * (external media, a format the server cannot read, a network error): the caller then
 * draws a flat line, as before.
 * @returns {Promise<{peaks: Float32Array[], duration: number, points: number} | null>}
 */
export async function fetchPeaks(src, duration) {
  const base = peaksUrl(src);
  if (!base) return null;
  try {
    const answer = await fetch(`${base}?points=${pointsFor(duration)}`, {
      headers: { Accept: "application/json" },
    });
    if (!answer.ok) return null;
    const body = await answer.json();
    if (!body.points) return null;
    return {
      peaks: [Float32Array.from(body.max), Float32Array.from(body.min)],
      duration: body.duration,
      points: body.points,
    };
  } catch {
    return null;
  }
}
