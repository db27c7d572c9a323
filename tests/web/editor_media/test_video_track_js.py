"""The track logic of controls/video_track.js, run in the browser on hand-made tracks.

Expected values are worked out here by hand: linear interpolation between placed frames,
held boxes without interpolation, nothing shown from an `outside` frame on, and split /
merge keeping every placed frame.
"""

from __future__ import annotations

PROBE = """async (track) => {
  const m = await import('/static/editor/controls/video_track.js');
  const at = (t, k) => m.boxAt(t, k);
  const held = {...track, interpolate: false};
  const [head, tail] = m.splitTrack(track, 5);
  return {
    before: at(track, 0),
    first: at(track, 2),
    middle: at(track, 6),
    end: at(track, 10),
    gone: at(track, 12),
    back: at(track, 20),
    held: at(held, 6),
    placed: m.placeFrame(track, 4, {x: 0}).frames.map((f) => [f.frame, f.x, f.keyframe]),
    unplaced: m.removeFrame(track, 10).frames.map((f) => f.frame),
    head: head.frames.map((f) => f.frame),
    tail: tail.frames.map((f) => [f.frame, f.x, f.keyframe]),
    merged: m.mergeTracks(head, tail).frames.map((f) => f.frame),
  };
}"""

F = {"keyframe": True, "outside": False, "occluded": False}
TRACK = {
    "label": "car",
    "interpolate": True,
    "frames": [
        {"frame": 2, "x": 10, "y": 20, "width": 30, "height": 40, **F},
        {"frame": 10, "x": 50, "y": 20, "width": 70, "height": 40, **F},
        {"frame": 12, "x": 50, "y": 20, "width": 70, "height": 40, **F, "outside": True},
        {"frame": 20, "x": 0, "y": 0, "width": 5, "height": 5, **F},
    ],
}


def test_track_interpolation_split_and_merge(new_page):
    page = new_page()
    page.goto("/login")
    got = page.evaluate(PROBE, TRACK)
    assert got["before"] is None  # the track starts at frame 2
    assert got["first"] == TRACK["frames"][0]
    # frame 6 is half-way from 2 to 10
    assert got["middle"] == {
        "frame": 6, "x": 30, "y": 20, "width": 50, "height": 40,
        "keyframe": False, "outside": False, "occluded": False,
    }  # fmt: skip
    assert got["end"] == TRACK["frames"][1]
    assert got["gone"]["outside"] is True
    assert got["back"] == TRACK["frames"][3]
    assert got["held"] == {**TRACK["frames"][0], "frame": 6, "keyframe": False}
    assert got["placed"] == [
        [2, 10, True],
        [4, 0, True],
        [10, 50, True],
        [12, 50, True],
        [20, 0, True],
    ]
    assert got["unplaced"] == [2, 12, 20]
    assert got["head"] == [2]
    assert got["tail"] == [[5, 25, True], [10, 50, True], [12, 50, True], [20, 0, True]]
    assert got["merged"] == [2, 5, 10, 12, 20]
