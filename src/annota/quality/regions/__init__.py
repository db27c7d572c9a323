"""Agreement on rich annotations: spans, boxes, polygons, masks, keypoints, segments, text."""

from annota.quality.regions.boxes import box_iou, rotated_box_iou
from annota.quality.regions.keypoints import keypoint_oks
from annota.quality.regions.masks import mask_iou, rle_decode, rle_encode
from annota.quality.regions.matching import MatchResult, match_by_iou
from annota.quality.regions.polygons import polygon_area, polygon_iou
from annota.quality.regions.segments import segment_iou, timeline_iou
from annota.quality.regions.spans import span_f1, span_iou
from annota.quality.regions.taxonomy import hierarchical_f1, path_similarity
from annota.quality.regions.transcripts import cer, edit_distance, wer

__all__ = [
    "MatchResult",
    "box_iou",
    "cer",
    "edit_distance",
    "hierarchical_f1",
    "keypoint_oks",
    "mask_iou",
    "match_by_iou",
    "path_similarity",
    "polygon_area",
    "polygon_iou",
    "rle_decode",
    "rle_encode",
    "rotated_box_iou",
    "segment_iou",
    "span_f1",
    "span_iou",
    "timeline_iou",
    "wer",
]
