// The waveform player: vendored wavesurfer.js (MediaElement backend) with its regions
// plugin, created so that it works under the page's CSP.
//
// wavesurfer writes a <style> element into its shadow root, which `style-src 'self'`
// refuses. While the player is being built (synchronously), ShadowRoot.innerHTML is
// wrapped to move that CSS into a constructed style sheet (CSSOM, allowed by the CSP);
// the wrapper is removed at once, so nothing else on the page is affected.

import WaveSurfer from "../../vendor/wavesurfer-7.8.16/wavesurfer.esm.js";
import RegionsPlugin from "../../vendor/wavesurfer-7.8.16/plugins/regions.esm.js";
import { fetchPeaks } from "./audio_peaks.js";

/** Files up to this size are fetched and decoded for a true waveform; larger ones stream. */
export const DECODE_LIMIT = 50 * 1024 * 1024;
/** Longer audio streams too, whatever its size: decoding an hour of MP3 takes ~1 GB. */
export const LONG_AUDIO_SECONDS = 30 * 60;

function withConstructedStyles(build) {
  const native = Object.getOwnPropertyDescriptor(ShadowRoot.prototype, "innerHTML");
  Object.defineProperty(ShadowRoot.prototype, "innerHTML", {
    configurable: true,
    get() {
      return native.get.call(this);
    },
    set(markup) {
      const css = [];
      const rest = String(markup).replace(/<style[^>]*>([\s\S]*?)<\/style>/g, (_, text) => {
        css.push(text);
        return "";
      });
      if (css.length) {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(css.join("\n"));
        this.adoptedStyleSheets = [...this.adoptedStyleSheets, sheet];
      }
      native.set.call(this, rest);
    },
  });
  try {
    return build();
  } finally {
    Object.defineProperty(ShadowRoot.prototype, "innerHTML", native);
  }
}

/** The byte size of a media URL from a one-byte range request (null when unknown). */
async function mediaSize(url) {
  try {
    const answer = await fetch(url, { headers: { Range: "bytes=0-0" } });
    const total = /\/(\d+)$/.exec(answer.headers.get("Content-Range") || "");
    await answer.body?.cancel();
    return total ? Number(total[1]) : null;
  } catch {
    return null;
  }
}

/** The media element's metadata (duration) is read: a small range request, not the file. */
function metadata(element) {
  return new Promise((resolve, reject) => {
    if (element.readyState >= 1) return resolve();
    element.addEventListener("loadedmetadata", resolve, { once: true });
    element.addEventListener("error", () => reject(new Error("media error")), { once: true });
  });
}

/**
 * A player for `url` in `container` (audio, or the given <video> element as the media).
 * Short files are fetched and decoded for their waveform. Large or long ones (hours of
 * audio) are streamed by the media element with HTTP ranges and drawn from the peaks the
 * server computes (`audio_peaks.js`); without peaks (video, external media, a format the
 * server cannot read) they show a flat line. Nothing loads them whole.
 * @returns {Promise<{ws: WaveSurfer, regions: RegionsPlugin, streamed: boolean, peaks: boolean}>}
 */
export async function createWave(container, src, { media = null, height = 96 } = {}) {
  const url = new URL(src, window.location.href).href; // as media.currentSrc reports it
  const size = media ? null : await mediaSize(url);
  const regions = RegionsPlugin.create();
  const element = media || document.createElement("audio");
  element.preload = "metadata";
  const ws = withConstructedStyles(() =>
    WaveSurfer.create({
      container,
      height,
      media: element,
      waveColor: "#98a2b3",
      progressColor: "#2f6fde",
      cursorColor: "#d92d20",
      minPxPerSec: 0,
      dragToSeek: false,
      plugins: [regions],
    }),
  );
  if (element.src !== url) element.src = url;
  await metadata(element);
  const duration = element.duration;
  const streamed =
    media !== null || size === null || size > DECODE_LIMIT || !(duration <= LONG_AUDIO_SECONDS);
  if (!streamed) {
    await ws.load(url);
    return { ws, regions, streamed, peaks: true };
  }
  const drawn = media ? null : await fetchPeaks(url, duration);
  const known = Number.isFinite(duration) && duration > 0 ? duration : drawn?.duration;
  await ws.load(url, drawn ? drawn.peaks : [new Float32Array(2)], known);
  return { ws, regions, streamed, peaks: drawn !== null };
}
