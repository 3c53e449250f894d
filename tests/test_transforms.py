import numpy as np
import pytest
import torch
from mmaction.registry import TRANSFORMS
from mmcv.transforms import Compose

T, H, W = 6, 40, 40


def clip_results(frames):
    return dict(imgs=list(frames), img_shape=(H, W), ori_shape=(H, W),
                label=3, modality='RGB', num_clips=1, clip_len=T)


def static_clip(seed=0):
    """A clip whose frames are all the same random image."""
    frame = np.random.default_rng(seed).integers(0, 256, (H, W, 3),
                                                 dtype=np.uint8)
    return np.repeat(frame[None], T, axis=0)


STRONG = [
    dict(type='RandAugmentVideo', num_ops=3, magnitude_range=(5, 10)),
    dict(type='TorchVisionWrapper', op='ColorJitter', brightness=0.4,
         contrast=0.4, saturation=0.4, hue=0.1),
    dict(type='TorchVisionWrapper', op='RandomGrayscale', p=0.5),
    dict(type='TorchVisionWrapper', op='RandomErasing', p=1.0,
         scale=(0.05, 0.2), value=127),
]


@pytest.mark.parametrize('seed', range(5))
def test_strong_augmentation_is_identical_across_frames(seed):
    torch.manual_seed(seed)
    frames = static_clip(seed)
    out = Compose(STRONG)(clip_results(frames))
    imgs = np.stack(out['imgs'])
    assert imgs.shape == (T, H, W, 3) and imgs.dtype == np.uint8
    assert not np.array_equal(imgs[0], frames[0])  # it did augment
    for t in range(1, T):
        np.testing.assert_array_equal(imgs[t], imgs[0])


def test_rand_augment_magnitude_is_drawn_per_clip():
    aug = TRANSFORMS.build(
        dict(type='RandAugmentVideo', magnitude_range=(2, 9)))
    seen = set()
    for i in range(40):
        torch.manual_seed(i)
        aug(clip_results(static_clip()))
        seen.add(aug.trans.magnitude)
    assert seen <= set(range(2, 10)) and len(seen) > 3


def test_rand_augment_rejects_bad_range():
    with pytest.raises(ValueError, match='magnitude_range'):
        TRANSFORMS.build(
            dict(type='RandAugmentVideo', magnitude_range=(3, 11)))


def test_multi_branch_packs_named_views_of_one_clip():
    pack = [dict(type='FormatShape', input_format='NCTHW'),
            dict(type='PackActionInputs')]
    branch = TRANSFORMS.build(
        dict(type='MultiBranch', branch_field=['labeled', 'weak', 'strong'],
             weak=pack, strong=STRONG + pack))
    frames = static_clip()
    out = branch(clip_results(frames))
    assert out['inputs']['labeled'] is None
    assert out['data_samples']['labeled'] is None
    weak, strong = out['inputs']['weak'], out['inputs']['strong']
    assert weak.shape == strong.shape == (1, 3, T, H, W)
    # the weak branch saw the decoded frames untouched (one decode, copies)
    assert torch.equal(weak[0, :, 0], torch.from_numpy(frames[0]).permute(
        2, 0, 1).to(weak.dtype))
    assert not torch.equal(weak, strong)
    assert out['data_samples']['weak'].gt_label.item() == 3


def test_multi_branch_rejects_unknown_branch():
    with pytest.raises(ValueError, match='branch_field'):
        TRANSFORMS.build(
            dict(type='MultiBranch', branch_field=['weak'], strong=[]))


def test_multi_branch_preprocessor_normalises_each_branch():
    from mmaction.registry import MODELS
    from mmaction.structures import ActionDataSample
    pre = MODELS.build(
        dict(type='MultiBranchDataPreprocessor',
             data_preprocessor=dict(type='ActionDataPreprocessor',
                                    mean=[100.] * 3, std=[10.] * 3,
                                    format_shape='NCTHW')))
    x = torch.full((1, 3, 2, 4, 4), 120, dtype=torch.uint8)
    s = ActionDataSample()
    batch = dict(
        inputs=dict(labeled=[x, None], weak=[None, x], strong=[None, x]),
        data_samples=dict(labeled=[s, None], weak=[None, s],
                          strong=[None, s]))
    out = pre(batch, training=True)
    for branch in ('labeled', 'weak', 'strong'):
        assert out['inputs'][branch].shape == (1, 1, 3, 2, 4, 4)
        assert torch.allclose(out['inputs'][branch], torch.tensor(2.))
        assert len(out['data_samples'][branch]) == 1
    # plain (validation) batches go straight through
    plain = pre(dict(inputs=[x], data_samples=[s]), training=False)
    assert torch.allclose(plain['inputs'], torch.tensor(2.))


def test_multi_branch_preprocessor_uses_branch_overrides():
    from mmaction.registry import MODELS
    from mmaction.structures import ActionDataSample

    def action_preprocessor(mean, std):
        return dict(type='ActionDataPreprocessor', mean=[mean] * 3,
                    std=[std] * 3, format_shape='NCTHW')

    pre = MODELS.build(
        dict(type='MultiBranchDataPreprocessor',
             data_preprocessor=action_preprocessor(100., 10.),
             branch_preprocessors=dict(weak_aux=action_preprocessor(
                 0., 40.))))
    x = torch.full((1, 3, 2, 4, 4), 120, dtype=torch.uint8)
    s = ActionDataSample()
    out = pre(dict(inputs=dict(weak=[x], weak_aux=[x]),
                   data_samples=dict(weak=[s], weak_aux=[s])), training=True)
    assert torch.allclose(out['inputs']['weak'], torch.tensor(2.))
    assert torch.allclose(out['inputs']['weak_aux'], torch.tensor(3.))
