// The waveform player: vendored wavesurfer.js (MediaElement backend) with its regions
// plugin, created so that it works under the page's CSP.
//
// wavesurfer writes a <style> element into its shadow root, which `style-src 'self'`
// refuses. While the player is being built (synchronously), ShadowRoot.innerHTML is
// wrapped to move that CSS into a constructed style sheet (CSSOM, allowed by the CSP);
// the wrapper is removed at once, so nothing else on the page is affected.

import WaveSurfer from "../../vendor/wavesurfer-7.8.16/wavesurfer.esm.js";
import RegionsPlugin from "../../vendor/wavesurfer-7.8.16/plugins/regions.esm.js";

/** Files up to this size are fetched and decoded for a true waveform; larger ones stream. */
export const DECODE_LIMIT = 50 * 1024 * 1024;

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

/**
 * A player for `url` in `container` (audio, or the given <video> element as the media).
 * Small files are decoded for their waveform; large ones (hours of audio) are streamed by
 * the media element with HTTP ranges and drawn as a flat line: nothing loads them whole.
 * @returns {Promise<{ws: WaveSurfer, regions: RegionsPlugin, streamed: boolean}>}
 */
export async function createWave(container, src, { media = null, height = 96 } = {}) {
  const url = new URL(src, window.location.href).href; // as media.currentSrc reports it
  const size = media ? null : await mediaSize(url);
  const streamed = media !== null || size === null || size > DECODE_LIMIT;
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
  if (streamed) {
    element.src = url;
    await new Promise((resolve) => {
      if (element.readyState >= 1) resolve();
      else element.addEventListener("loadedmetadata", resolve, { once: true });
    });
    await ws.load(url, [new Float32Array(2)], element.duration);
  } else {
    await ws.load(url);
  }
  return { ws, regions, streamed };
}
