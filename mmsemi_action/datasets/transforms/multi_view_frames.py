"""Clips at several frame rates and temporal locations from one decode."""
from typing import Dict, Optional

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

#: key of ``results`` that maps view name -> its frames in the decoded list
VIEWS_KEY = 'frame_views'


@TRANSFORMS.register_module()
class SampleMultiViewFrames(BaseTransform):
    """Sample the frame indices of several named views of one video, so that
    ``DecordDecode`` (or ``RawFrameDecode``) decodes their union once.

    Each view is a clip of ``clip_len`` frames ``frame_interval`` apart,
    e.g. CMPL's primary ``8x8`` and auxiliary ``16x4`` clips of a 64-frame
    span (Xu et al., CVPR 2022, Sec. 3.3 and 4.1). The first view (the
    anchor) starts where ``SampleFrames(num_clips=1)`` would; every other
    view is centred on the anchor's centre moved by a random time offset
    ``U(-max_offset, max_offset)`` seconds (CMPL's ``t_s``), clamped so that
    its span stays in the video. Indices beyond the video loop, as in
    ``SampleFrames``. In ``test_mode`` spans are centred and offsets are 0.

    Put it between ``DecordInit`` and ``DecordDecode``, and start each
    branch pipeline of :class:`MultiBranch` with :class:`SelectViewFrames`.

    Required keys: ``total_frames``, ``start_index``, ``avg_fps`` (from
    ``DecordInit``; ``fps`` is used when absent, e.g. for raw frames).

    Added keys: ``frame_inds`` (sorted union), ``frame_views`` (per view:
    ``positions`` into the decoded frames, ``frame_inds``, ``clip_len``,
    ``frame_interval``), and the anchor's ``clip_len``, ``frame_interval``,
    ``num_clips``.

    A view may also ask for the frame ``pair_offset`` frames after each of
    its frames (clamped to the last frame), e.g. for
    :class:`TemporalGradient` (``x_t - x_{t+n}``); their places are kept as
    ``pair_positions``. A view with ``shift`` starts ``shift`` frames after
    the anchor's first frame instead (no offset), e.g. TimeBalance's ``n``
    consecutive clips of one long anchor clip: ``long=dict(clip_len=16,
    frame_interval=4)``, ``clip_t=dict(clip_len=16, frame_interval=1,
    shift=16 * t)``.

    Args:
        views (dict): view name -> ``dict(clip_len=int, frame_interval=int,
            pair_offset=int (optional), shift=int (optional))``; the first
            one is the anchor.
        max_offset (float): ``t_s`` in seconds. Defaults to 0 (all views
            share the anchor's centre).
        fps (float): frame rate for videos without ``avg_fps``.
        test_mode (bool): deterministic, centred, no offset.
    """

    def __init__(self,
                 views: Dict[str, dict],
                 max_offset: float = 0.0,
                 fps: float = 30.0,
                 test_mode: bool = False) -> None:
        if not views:
            raise ValueError('SampleMultiViewFrames needs at least one view')
        self.views, self.shifts = {}, {}
        for name, view in views.items():
            clip_len = int(view.get('clip_len', 0))
            interval = int(view.get('frame_interval', 1))
            pair_offset = int(view.get('pair_offset', 0))
            shift = view.get('shift')
            unknown = set(view) - {
                'clip_len', 'frame_interval', 'pair_offset', 'shift'
            }
            if clip_len < 1 or interval < 1 or pair_offset < 0 or unknown \
                    or (shift is not None and int(shift) < 0):
                raise ValueError(
                    f'SampleMultiViewFrames view {name!r}: clip_len and '
                    'frame_interval must be >= 1, pair_offset and shift >= 0 '
                    f'(no other keys), got {view}')
            self.views[name] = (clip_len, interval, pair_offset)
            self.shifts[name] = None if shift is None else int(shift)
        if max_offset < 0:
            raise ValueError(f'max_offset must be >= 0, got {max_offset}')
        self.max_offset = float(max_offset)
        self.fps = float(fps)
        self.test_mode = test_mode

    def _start(self, total: int, span: int, centre: Optional[float]) -> int:
        """First frame of a span of ``span`` frames: random (anchor), or
        around ``centre`` clamped to the video."""
        room = max(total - span, 0)
        if centre is None:
            if self.test_mode or room == 0:
                return room // 2
            return int(np.random.randint(room + 1))
        return int(np.clip(round(centre - span / 2), 0, room))

    def transform(self, results: dict) -> dict:
        total = int(results['total_frames'])
        if total < 1:
            raise ValueError(
                f'{results.get("filename", "video")}: no frames to sample')
        fps = results.get('avg_fps') or self.fps
        anchor_centre = anchor_start = None
        view_inds = {}
        pair_inds = {}
        for name, (clip_len, interval, pair_offset) in self.views.items():
            span = clip_len * interval
            centre = anchor_centre
            if centre is not None and not self.test_mode and self.max_offset:
                centre += np.random.uniform(-self.max_offset,
                                            self.max_offset) * fps
            if self.shifts[name] is not None and anchor_start is not None:
                start = anchor_start + self.shifts[name]
            else:
                start = self._start(total, span, centre)
            if anchor_centre is None:
                anchor_centre, anchor_start = start + span / 2, start
            view_inds[name] = np.mod(
                start + np.arange(clip_len) * interval, total)
            if pair_offset:
                pair_inds[name] = np.minimum(view_inds[name] + pair_offset,
                                             total - 1)

        union = np.unique(
            np.concatenate(list(view_inds.values()) + list(
                pair_inds.values())))
        start_index = results.get('start_index', 0)
        results['frame_inds'] = (union + start_index).astype(np.int32)
        views = {}
        for name, inds in view_inds.items():
            clip_len, interval, pair_offset = self.views[name]
            views[name] = dict(
                positions=np.searchsorted(union, inds),
                frame_inds=(inds + start_index).astype(np.int32),
                clip_len=clip_len,
                frame_interval=interval)
            if pair_offset:
                views[name].update(
                    pair_offset=pair_offset,
                    pair_positions=np.searchsorted(union, pair_inds[name]))
        results[VIEWS_KEY] = views
        anchor_len, anchor_interval, _ = next(iter(self.views.values()))
        results.update(
            clip_len=anchor_len, frame_interval=anchor_interval, num_clips=1)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(views={self.views}, '
                f'max_offset={self.max_offset}, test_mode={self.test_mode})')


@TRANSFORMS.register_module()
class SelectViewFrames(BaseTransform):
    """Keep the decoded frames of one view of :class:`SampleMultiViewFrames`.

    Required keys: ``imgs`` (the decoded union, possibly already resized),
    ``frame_views``. Modified keys: ``imgs`` (``clip_len`` frames),
    ``frame_inds``, ``clip_len``, ``frame_interval``, ``num_clips``.

    Args:
        view (str): the view name.
    """

    def __init__(self, view: str) -> None:
        self.view = view

    def view_info(self, results: dict) -> dict:
        views = results.get(VIEWS_KEY)
        if not views or self.view not in views:
            raise KeyError(
                f'{self.__class__.__name__}(view={self.view!r}): the pipeline '
                f'has no such view (found {sorted(views or [])}); sample it '
                'with SampleMultiViewFrames before decoding')
        return views[self.view]

    def transform(self, results: dict) -> dict:
        view = self.view_info(results)
        results['imgs'] = self.frames(results['imgs'], view)
        results.update(
            frame_inds=view['frame_inds'],
            clip_len=view['clip_len'],
            frame_interval=view['frame_interval'],
            num_clips=1)
        return results

    def frames(self, imgs: list, view: dict) -> list:
        """The view's ``clip_len`` frames, ``(H, W, C)`` each."""
        return [imgs[i] for i in view['positions']]

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(view={self.view!r})'


@TRANSFORMS.register_module()
class TemporalGradient(SelectViewFrames):
    """Temporal-gradient clip of one view (LTG, Xiao et al., CVPR 2022):
    ``TG_t = (x_t - x_{t+n} + 255) / 2`` per pixel, rounded down, as uint8
    in 0-255 (the official code's storage convention; a static pixel is
    127). ``n`` is the view's ``pair_offset`` in
    :class:`SampleMultiViewFrames` (1 = "fast" TG, the paper's best).

    Apply the geometric augmentation (crop, flip) to the decoded frames
    *before* :class:`MultiBranch` so that RGB (:class:`SelectViewFrames`)
    and TG branches share it pixel for pixel; colour augmentations of a
    strong view may come before this transform.

    Required keys: ``imgs``, ``frame_views`` (the view needs
    ``pair_offset`` >= 1). Modified keys as :class:`SelectViewFrames`, and
    ``modality='TG'``.

    Args:
        view (str): the RGB view whose frames are differentiated.
    """

    def frames(self, imgs: list, view: dict) -> list:
        if 'pair_positions' not in view:
            raise KeyError(
                f'TemporalGradient(view={self.view!r}): the view has no '
                'pair_offset; set views.' + self.view +
                '.pair_offset=n in SampleMultiViewFrames')
        out = []
        for i, j in zip(view['positions'], view['pair_positions']):
            diff = imgs[i].astype(np.int16) - imgs[j].astype(np.int16)
            out.append(((diff + 255) // 2).astype(np.uint8))
        return out

    def transform(self, results: dict) -> dict:
        results = super().transform(results)
        results['modality'] = 'TG'
        return results
