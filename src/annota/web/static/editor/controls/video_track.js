// Object tracks on video: the box of a track at any frame, from its keyframes.
//
// A track stores only the frames an annotator placed (keyframes, plus explicit overrides);
// in between, boxes are interpolated linearly when the track says `interpolate`, else held.
// A frame marked `outside` hides the object from there until the next placed frame.

import { round2 } from "./image_geometry.js";

/** The box of `track` (a video_track value) at `frame`, or null where it is not shown. */
export function boxAt(track, frame) {
  const frames = track.frames;
  let before = null;
  let after = null;
  for (const f of frames) {
    if (f.frame <= frame) before = f;
    else {
      after = f;
      break;
    }
  }
  if (!before) return null;
  if (before.frame === frame) return before;
  if (before.outside) return null;
  if (!after || track.interpolate === false || after.outside) return { ...before, frame, keyframe: false };
  const t = (frame - before.frame) / (after.frame - before.frame);
  const lerp = (k) => round2(before[k] + (after[k] - before[k]) * t);
  return {
    frame,
    x: lerp("x"),
    y: lerp("y"),
    width: lerp("width"),
    height: lerp("height"),
    keyframe: false,
    outside: false,
    occluded: before.occluded,
  };
}

/** A new track value with frame `frame` placed (made a keyframe) and `patch` applied. */
export function placeFrame(track, frame, patch) {
  const current = boxAt(track, frame) || track.frames[track.frames.length - 1];
  const placed = { ...current, ...patch, frame, keyframe: true };
  const frames = track.frames.filter((f) => f.frame !== frame);
  frames.push(placed);
  frames.sort((a, b) => a.frame - b.frame);
  return { ...track, frames };
}

/** Drop a placed frame (never the last one: a track needs a keyframe). */
export function removeFrame(track, frame) {
  const frames = track.frames.filter((f) => f.frame !== frame);
  return frames.length && frames.some((f) => f.keyframe) ? { ...track, frames } : track;
}

/** Split a track before `frame`: the frames from `frame` on make the second track. */
export function splitTrack(track, frame) {
  const head = track.frames.filter((f) => f.frame < frame);
  const at = boxAt(track, frame);
  const tail = track.frames.filter((f) => f.frame > frame);
  if (!head.length || !at) return null;
  return [
    { ...track, frames: head },
    { ...track, frames: [{ ...at, frame, keyframe: true }, ...tail] },
  ];
}

/** Merge track `b` into `a` (frames of `b` win where both placed the same frame). */
export function mergeTracks(a, b) {
  const byFrame = new Map(a.frames.map((f) => [f.frame, f]));
  for (const f of b.frames) byFrame.set(f.frame, f);
  return { ...a, frames: [...byFrame.values()].sort((x, y) => x.frame - y.frame) };
}
