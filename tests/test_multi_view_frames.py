"""SampleMultiViewFrames / SelectViewFrames on a real decoded video whose
frame ``i`` is a flat image of brightness ``4 i + 2``."""
import decord
import numpy as np
import pytest
from mmaction.registry import TRANSFORMS
from mmcv.transforms import Compose

from mmsemi_action.datasets.synthetic import write_mp4

NUM_FRAMES, FPS = 64, 8


@pytest.fixture(scope='module')
def counter_video(tmp_path_factory):
    path = str(tmp_path_factory.mktemp('video') / 'counter.mp4')
    levels = 4 * np.arange(NUM_FRAMES) + 2
    frames = np.repeat(levels[:, None, None, None], 32 * 32 * 3, 1)
    write_mp4(path, frames.reshape(NUM_FRAMES, 32, 32, 3).astype(np.uint8),
              fps=FPS)
    # brightness of every frame as decord decodes it (codec range shifts)
    reader = decord.VideoReader(path)
    LEVELS[:] = [float(reader[i].asnumpy().mean()) for i in range(len(reader))]
    return path


LEVELS = []


def decoded_index(img):
    return int(np.argmin(np.abs(np.array(LEVELS) - float(np.mean(img)))))


def build_pipeline(views, max_offset=0.0, test_mode=False, calls=None):
    pipeline = Compose([
        dict(type='DecordInit'),
        dict(type='SampleMultiViewFrames', views=views,
             max_offset=max_offset, test_mode=test_mode),
        dict(type='DecordDecode'),
        dict(type='MultiBranch', branch_field=list(views),
             **{name: [dict(type='SelectViewFrames', view=name),
                       dict(type='FormatShape', input_format='NCTHW'),
                       dict(type='PackActionInputs')]
                for name in views}),
    ])
    if calls is not None:
        decode = pipeline.transforms[2]
        load = decode._decord_load_frames

        def counting_load(container, frame_inds):
            calls.append(np.array(frame_inds))
            return load(container, frame_inds)

        decode._decord_load_frames = counting_load
    return pipeline


def view_indices(packed, name):
    clip = packed['inputs'][name].numpy()  # (1, C, T, H, W)
    return [decoded_index(clip[0, :, t]) for t in range(clip.shape[2])]


CMPL_VIEWS = dict(primary=dict(clip_len=8, frame_interval=8),
                  auxiliary=dict(clip_len=16, frame_interval=4))


@pytest.mark.parametrize('seed', range(3))
def test_views_share_one_decode_and_have_configured_rates(
        counter_video, seed):
    np.random.seed(seed)
    calls = []
    packed = build_pipeline(CMPL_VIEWS, calls=calls)(
        dict(filename=counter_video, start_index=0, modality='RGB',
             label=0))
    assert len(calls) == 1  # one decode for both views
    primary = view_indices(packed, 'primary')
    auxiliary = view_indices(packed, 'auxiliary')
    assert len(primary) == 8 and np.all(np.diff(primary) == 8)
    assert len(auxiliary) == 16 and np.all(np.diff(auxiliary) == 4)
    # 64-frame video, 64-frame spans, no offset: the same span
    assert primary[0] == auxiliary[0] == 0
    # the decoded union is exactly the frames the views need
    assert sorted(set(primary) | set(auxiliary)) == calls[0].tolist()


def test_time_offset_moves_the_second_view_within_bounds(counter_video):
    views = dict(primary=dict(clip_len=4, frame_interval=2),
                 auxiliary=dict(clip_len=8, frame_interval=1))
    max_offset = 2.0  # seconds = 16 frames at 8 fps
    pipeline = build_pipeline(views, max_offset=max_offset)
    shifts = []
    for seed in range(30):
        np.random.seed(seed)
        packed = pipeline(dict(filename=counter_video, start_index=0,
                               modality='RGB', label=0))
        primary = view_indices(packed, 'primary')
        auxiliary = view_indices(packed, 'auxiliary')
        assert np.all(np.diff(primary) == 2) and np.all(
            np.diff(auxiliary) == 1)
        assert 0 <= auxiliary[0] and auxiliary[-1] < NUM_FRAMES
        # both spans are 8 frames: their starts differ by the offset
        shifts.append(auxiliary[0] - primary[0])
    shifts = np.array(shifts)
    assert np.all(np.abs(shifts) <= max_offset * FPS + 1)
    assert (shifts > 2).any() and (shifts < -2).any()


def test_test_mode_is_centred_without_offset(counter_video):
    views = dict(primary=dict(clip_len=4, frame_interval=4),
                 auxiliary=dict(clip_len=4, frame_interval=2))
    packed = build_pipeline(views, max_offset=5.0, test_mode=True)(
        dict(filename=counter_video, start_index=0, modality='RGB', label=0))
    assert view_indices(packed, 'primary') == [24, 28, 32, 36]
    assert view_indices(packed, 'auxiliary') == [28, 30, 32, 34]


def test_select_unknown_view_names_the_view():
    select = TRANSFORMS.build(dict(type='SelectViewFrames', view='fast'))
    results = dict(imgs=[np.zeros((4, 4, 3))],
                   frame_views=dict(slow=dict(positions=[0])))
    with pytest.raises(KeyError, match="'fast'.*slow"):
        select(results)


def test_rejects_bad_view_settings():
    with pytest.raises(ValueError, match="view 'aux'"):
        TRANSFORMS.build(
            dict(type='SampleMultiViewFrames',
                 views=dict(aux=dict(clip_len=0, frame_interval=4))))
