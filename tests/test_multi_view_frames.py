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


def test_temporal_gradient_against_hand_computation():
    sampler = TRANSFORMS.build(
        dict(type='SampleMultiViewFrames', test_mode=True,
             views=dict(rgb=dict(clip_len=4, frame_interval=3,
                                 pair_offset=2))))
    results = sampler(dict(total_frames=20, start_index=0))
    frames = np.random.default_rng(0).integers(0, 256, (20, 6, 5, 3),
                                               dtype=np.uint8)
    results['imgs'] = [frames[i] for i in results['frame_inds']]
    out = TRANSFORMS.build(dict(type='TemporalGradient', view='rgb'))(results)
    starts = [4, 7, 10, 13]  # centred: (20 - 12) // 2 = 4
    assert out['frame_inds'].tolist() == starts
    assert out['modality'] == 'TG' and len(out['imgs']) == 4
    for t, tg in zip(starts, out['imgs']):
        for y, x, c in [(0, 0, 0), (5, 4, 2), (3, 1, 1)]:
            hand = (int(frames[t, y, x, c]) - int(frames[t + 2, y, x, c]) +
                    255) // 2
            assert tg[y, x, c] == hand
        assert tg.dtype == np.uint8


def test_temporal_gradient_needs_a_pair_offset():
    results = dict(imgs=[np.zeros((2, 2, 3), np.uint8)],
                   frame_views=dict(rgb=dict(positions=[0])))
    with pytest.raises(KeyError, match='pair_offset'):
        TRANSFORMS.build(dict(type='TemporalGradient', view='rgb'))(results)


@pytest.mark.parametrize('seed', range(3))
def test_rgb_and_tg_views_share_crop_and_flip(seed):
    """Geometry applied to the decoded union before MultiBranch: the TG
    branch is the temporal gradient of exactly the RGB branch's pixels."""
    np.random.seed(seed)
    frames = np.random.default_rng(seed).integers(0, 256, (16, 40, 48, 3),
                                                  dtype=np.uint8)
    results = TRANSFORMS.build(
        dict(type='SampleMultiViewFrames',
             views=dict(rgb=dict(clip_len=4, frame_interval=2,
                                 pair_offset=1))))(
                                     dict(total_frames=16, start_index=0))
    results.update(imgs=[frames[i].copy() for i in results["frame_inds"]],
                   img_shape=(40, 48), modality='RGB', label=0)
    meta = ('crop_bbox', 'flip', 'img_shape')
    pack = [dict(type='FormatShape', input_format='NCTHW'),
            dict(type='PackActionInputs', meta_keys=meta)]
    packed = Compose([
        dict(type='RandomResizedCrop', area_range=(0.3, 0.6)),
        dict(type='Flip', flip_ratio=0.5),
        dict(type='MultiBranch', branch_field=['weak', 'weak_tg'],
             weak=[dict(type='SelectViewFrames', view='rgb')] + pack,
             weak_tg=[dict(type='TemporalGradient', view='rgb')] + pack),
    ])(results)
    info = packed['data_samples']['weak'].metainfo
    tg_info = packed['data_samples']['weak_tg'].metainfo
    assert np.array_equal(info['crop_bbox'], tg_info['crop_bbox'])
    assert info['flip'] == tg_info['flip']
    x1, y1, x2, y2 = info['crop_bbox']

    def geometry(frame):
        crop = frame[y1:y2, x1:x2].astype(np.int16)
        return crop[:, ::-1] if info['flip'] else crop

    rgb = packed['inputs']['weak'][0].numpy()  # (C, T, H, W)
    tg = packed['inputs']['weak_tg'][0].numpy()
    for k, t in enumerate(results['frame_views']['rgb']['frame_inds']):
        np.testing.assert_array_equal(
            rgb[:, k], geometry(frames[t]).transpose(2, 0, 1))
        expected = (geometry(frames[t]) - geometry(frames[t + 1]) + 255) // 2
        np.testing.assert_array_equal(tg[:, k], expected.transpose(2, 0, 1))


@pytest.mark.parametrize('seed', range(3))
def test_multi_scale_clips_share_one_decode(counter_video, seed):
    """ACL+MTL's short-term clip and two long-term clips (strides 8 / 16,
    32 in the paper; 2 / 4, 8 on this 64-frame video): one decode, the
    configured strides, long clips centred on the short one (clamped)."""
    views = dict(short=dict(clip_len=8, frame_interval=2),
                 long_0=dict(clip_len=8, frame_interval=4),
                 long_1=dict(clip_len=8, frame_interval=8))
    np.random.seed(seed)
    calls = []
    packed = build_pipeline(views, calls=calls)(
        dict(filename=counter_video, start_index=0, modality='RGB',
             label=0))
    assert len(calls) == 1
    frames = {name: view_indices(packed, name) for name in views}
    for name, stride in (('short', 2), ('long_0', 4), ('long_1', 8)):
        assert len(frames[name]) == 8
        assert np.all(np.diff(frames[name]) == stride), name
    centre = frames['short'][0] + 8  # the short span's centre
    start = int(np.clip(round(centre - 16), 0, NUM_FRAMES - 32))
    assert frames['long_0'][0] == start
    assert frames['long_1'][0] == 0  # the whole video
    assert sorted(set().union(*frames.values())) == calls[0].tolist()


def test_shifted_views_are_consecutive_clips_of_the_anchor(counter_video):
    """TimeBalance's views: a long anchor clip and n consecutive clips
    starting ``shift`` frames after its first frame, one decode."""
    views = dict(long=dict(clip_len=8, frame_interval=4))
    views.update({f'clip_{t}': dict(clip_len=8, frame_interval=1,
                                    shift=8 * t) for t in range(4)})
    calls = []
    pipeline = build_pipeline(views, calls=calls)
    for seed in range(5):
        np.random.seed(seed)
        packed = pipeline(dict(filename=counter_video, start_index=0,
                               modality='RGB', label=0))
        long = view_indices(packed, 'long')
        assert np.all(np.diff(long) == 4)
        for t in range(4):
            assert view_indices(packed, f'clip_{t}') == list(
                range(long[0] + 8 * t, long[0] + 8 * t + 8))
    assert len(calls) == 5  # one decode per sample
