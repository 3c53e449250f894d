"""CMPLRecognizer: who teaches whom, thresholds, stop-gradient, switches,
and the paper configs (networks, augmentation, optimiser)."""
import copy
import functools
import glob
import os.path as osp

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.logging import MessageHub

from _models import (NUM_CLASSES, batch, build, loss_and_grads, samples,
                     tiny_recognizer)
from conftest import REPO
from mmsemi_action.models.utils import recognizer_logits


@pytest.fixture(autouse=True)
def _iteration():
    MessageHub.get_current_instance().update_info('iter', 100)


def aux_recognizer():
    """R3D-18 at half the test model's width (the 'x1/4' idea)."""
    cfg = tiny_recognizer()
    cfg['backbone']['base_channels'] = 2
    cfg['cls_head']['in_channels'] = 16
    return cfg


def cmpl(**kwargs):
    kwargs.setdefault('primary', tiny_recognizer())
    return MODELS.build(dict(type='CMPLRecognizer', **kwargs))


def build_cmpl(**semi_train_cfg):
    return cmpl(auxiliary=aux_recognizer(), semi_train_cfg=semi_train_cfg)


def cmpl_batch(num_labeled=2, num_unlabeled=4, seed=0,
               unlabeled_labels=None):
    """Primary branches at 4 frames, auxiliary branches at 8 frames."""
    inputs, data_samples = batch(num_labeled, num_unlabeled, seed,
                                 unlabeled_labels)
    g = torch.Generator().manual_seed(seed + 1)
    for branch in ('labeled', 'weak', 'strong'):
        x = inputs[branch]
        inputs[branch + '_aux'] = torch.randn(
            x.shape[:3] + (8, ) + x.shape[4:], generator=g)
        data_samples[branch + '_aux'] = copy.deepcopy(data_samples[branch])
    return inputs, data_samples


def confident(recognizer, label, bias=30.0):
    """Make a recognizer predict ``label`` with probability ~1."""
    with torch.no_grad():
        recognizer.cls_head.fc_cls.bias.zero_()
        recognizer.cls_head.fc_cls.bias[label] = bias


def test_each_network_is_taught_by_the_other_one():
    torch.manual_seed(0)
    model = build_cmpl(threshold=0.9, unsup_weight=1.0)
    model.train()
    confident(model.primary, 1)
    confident(model.auxiliary, 3)
    inputs, data_samples = cmpl_batch(unlabeled_labels=[3, 3, 3, 3])
    losses = model.loss(inputs, data_samples)
    # A says 3, so F (which says 1) is taught 3: a large loss, all kept
    assert losses['unsup_mask_ratio'] == 1
    assert losses['unsup_loss_cls'] > 10
    assert losses['unsup_pl_acc'] == 1  # A's labels are the truth (3)
    # F says 1, so A (which says 3) is taught 1
    assert losses['aux_unsup_mask_ratio'] == 1
    assert losses['aux_unsup_loss_cls'] > 10
    assert losses['aux_unsup_pl_acc'] == 0
    # swap the networks' opinions: the losses follow the teacher
    confident(model.primary, 3)
    losses = model.loss(inputs, data_samples)
    assert losses['unsup_loss_cls'] < 1e-3
    assert losses['aux_unsup_loss_cls'] < 1e-3
    assert losses['aux_unsup_pl_acc'] == 1


def test_masks_and_loss_follow_definition():
    """L_u^F = lambda/B_u sum 1(max p^A >= tau) H(argmax p^A, F(strong)),
    checked in eval mode (per-clip BatchNorm statistics, no dropout)."""
    torch.manual_seed(0)
    model = build_cmpl(unsup_weight=2.0)
    model.eval()
    inputs, data_samples = cmpl_batch(num_unlabeled=6)
    with torch.no_grad():
        p_aux = recognizer_logits(model.auxiliary,
                                  inputs['weak_aux']).softmax(1)
        p_primary = recognizer_logits(model.primary,
                                      inputs['weak']).softmax(1)
        strong_primary = recognizer_logits(model.primary, inputs['strong'])
        strong_aux = recognizer_logits(model.auxiliary,
                                       inputs['strong_aux'])
    tau = float(p_aux.max(1).values.sort().values[2:4].mean())
    model.semi_train_cfg.threshold = tau
    keep = (p_aux.max(1).values >= tau).float()
    assert keep.sum() == 3
    expected = 2.0 * (keep * F.cross_entropy(
        strong_primary, p_aux.argmax(1), reduction='none')).mean()
    keep_aux = (p_primary.max(1).values >= tau).float()
    expected_aux = 2.0 * (keep_aux * F.cross_entropy(
        strong_aux, p_primary.argmax(1), reduction='none')).mean()
    losses = model.loss(inputs, data_samples)
    assert losses['unsup_loss_cls'].item() == pytest.approx(
        expected.item(), rel=1e-5)
    assert losses['unsup_mask_ratio'].item() == pytest.approx(0.5)
    assert losses['aux_unsup_loss_cls'].item() == pytest.approx(
        expected_aux.item(), rel=1e-5)
    assert losses['aux_unsup_mask_ratio'].item() == pytest.approx(
        keep_aux.mean().item())


def grads_of(model, key, inputs, data_samples):
    model.zero_grad()
    model.loss(inputs, data_samples)[key].backward()
    return {
        name.split('.')[0]: name
        for name, p in model.named_parameters()
        if p.grad is not None and p.grad.abs().sum() > 0
    }


def test_no_gradient_into_the_network_that_made_the_pseudo_label():
    torch.manual_seed(0)
    model = build_cmpl(threshold=0.0)
    model.train()
    inputs, data_samples = cmpl_batch()
    assert set(grads_of(model, 'unsup_loss_cls', inputs,
                        data_samples)) == {'student'}
    assert set(grads_of(model, 'aux_unsup_loss_cls', inputs,
                        data_samples)) == {'auxiliary'}
    assert set(grads_of(model, 'aux_sup_loss_cls', inputs,
                        data_samples)) == {'auxiliary'}


@pytest.mark.parametrize('aux_losses', [('sup', ), ('unsup', )])
def test_auxiliary_loss_switches(aux_losses):
    torch.manual_seed(0)
    model = build_cmpl(threshold=0.0, aux_losses=aux_losses)
    inputs, data_samples = cmpl_batch()
    if 'unsup' not in aux_losses:  # A's strong view is not needed
        del inputs['strong_aux']
    if 'sup' not in aux_losses:
        del inputs['labeled_aux']
    losses = model.loss(inputs, data_samples)
    assert ('aux_sup_loss_cls' in losses) == ('sup' in aux_losses)
    assert ('aux_unsup_loss_cls' in losses) == ('unsup' in aux_losses)
    assert 'unsup_loss_cls' in losses  # F is always taught by A


def test_without_auxiliary_it_is_fixmatch():
    cfg = dict(threshold=0.0, unsup_weight=2.0)
    torch.manual_seed(0)
    without_aux = cmpl(semi_train_cfg=cfg)
    torch.manual_seed(0)
    fixmatch = build(semi_train_cfg=cfg)
    inputs, data_samples = batch()
    torch.manual_seed(1)
    expected = fixmatch.loss(inputs, data_samples)
    torch.manual_seed(1)
    losses = without_aux.loss(inputs, data_samples)
    assert set(losses) == set(expected)
    for key in expected:
        assert torch.allclose(losses[key], expected[key]), key


def test_labeled_only_batch_trains_both_networks():
    torch.manual_seed(0)
    model = build_cmpl()
    inputs, data_samples = cmpl_batch()
    labeled_only = {k: inputs[k] for k in ('labeled', 'labeled_aux')}
    losses = model.loss(labeled_only, data_samples)
    assert {'sup_loss_cls', 'aux_sup_loss_cls'} <= set(losses)
    assert not any(k.startswith('unsup') for k in losses)


def test_auxiliary_branches_use_the_auxiliary_preprocessor():
    aux = aux_recognizer()
    aux['data_preprocessor'] = dict(type='ActionDataPreprocessor',
                                    mean=[0.] * 3, std=[2.] * 3,
                                    format_shape='NCTHW')
    model = cmpl(auxiliary=aux)
    pre = model.data_preprocessor
    assert set(pre.branch_preprocessors) == {'labeled_aux', 'weak_aux',
                                             'strong_aux'}
    x = torch.full((1, 3, 8, 4, 4), 8, dtype=torch.uint8)
    s = samples([0])
    out = pre(dict(inputs=dict(weak=[x], weak_aux=[x]),
                   data_samples=dict(weak=s, weak_aux=s)), training=True)
    assert torch.allclose(out['inputs']['weak'], torch.tensor(8.))
    assert torch.allclose(out['inputs']['weak_aux'], torch.tensor(4.))


def test_bad_aux_losses_are_rejected():
    with pytest.raises(ValueError, match='aux_losses'):
        build_cmpl(aux_losses=('unsup', 'distill'))


def test_predicts_with_the_primary_only():
    torch.manual_seed(0)
    model = build_cmpl()
    model.eval()
    confident(model.primary, 2)
    confident(model.auxiliary, 4)
    x = torch.randn(3, 1, 3, 4, 16, 16)
    out = model.predict(x, samples([0, 1, 2]))
    assert [int(s.pred_label) for s in out] == [2, 2, 2]
    assert NUM_CLASSES == out[0].pred_score.numel()


# ----------------------------------------------------------------------
# ablation switches act on the gradients, not only on the loss keys
def eval_logits(network, x):
    return recognizer_logits(network, x)


def hand_losses(model, inputs, data_samples, unsup_weight):
    """Eq. 2-5 written out with per-network forwards (eval mode): L_s^F,
    L_u^F, L_s^A, L_u^A (each lambda-weighted where Eq. 6 weights it)."""
    primary, aux = model.primary, model.auxiliary
    y = torch.cat([s.gt_label for s in data_samples['labeled']])
    y_aux = torch.cat([s.gt_label for s in data_samples['labeled_aux']])
    with torch.no_grad():
        p_f = eval_logits(primary, inputs['weak']).softmax(1)
        p_a = eval_logits(aux, inputs['weak_aux']).softmax(1)
    return dict(
        sup_f=F.cross_entropy(eval_logits(primary, inputs['labeled']), y),
        unsup_f=unsup_weight * F.cross_entropy(
            eval_logits(primary, inputs['strong']), p_a.argmax(1)),
        sup_a=F.cross_entropy(eval_logits(aux, inputs['labeled_aux']), y_aux),
        unsup_a=unsup_weight * F.cross_entropy(
            eval_logits(aux, inputs['strong_aux']), p_f.argmax(1)))


def grads(loss, params):
    return torch.autograd.grad(loss, params, allow_unused=True)


@pytest.mark.parametrize('enabled', [('sup', ), ('unsup', )])
def test_a_disabled_auxiliary_loss_gives_no_gradient(enabled):
    """Table 6 rows: A's gradient is that of its enabled loss alone, and F's
    that of L_s^F + lambda L_u^F (threshold 0: every clip is kept)."""
    torch.manual_seed(0)
    model = build_cmpl(threshold=0.0, unsup_weight=2.0, aux_losses=enabled)
    model.eval()  # BatchNorm running statistics: per-clip forwards
    inputs, data_samples = cmpl_batch()
    losses = model.loss(inputs, data_samples)
    total = sum(v for k, v in losses.items() if 'loss' in k)
    aux_params = list(model.auxiliary.parameters())
    f_params = list(model.primary.parameters())
    got = grads(total, aux_params + f_params)

    hand = hand_losses(model, inputs, data_samples, unsup_weight=2.0)
    kept, dropped = ('sup_a', 'unsup_a') if enabled == ('sup', ) \
        else ('unsup_a', 'sup_a')
    want_aux = grads(hand[kept], aux_params)
    want_f = grads(hand['sup_f'] + hand['unsup_f'], f_params)
    for g, want in zip(got, list(want_aux) + list(want_f)):
        assert torch.allclose(g, want, rtol=1e-4, atol=1e-7)
    # the disabled loss would have moved A: the comparison can fail
    disabled = grads(hand[dropped], aux_params)
    assert sum(g.abs().sum() for g in disabled if g is not None) > 1e-3


# ----------------------------------------------------------------------
# Table A2: pseudo-labeling schemes, against the paper's definitions
#: weak-view class probabilities of 5 unlabeled clips (tau = 0.9):
#:   clip 0: F confident (0), A confident (1), max p^F > max p^A
#:   clip 1: F unsure (1), A confident (2)
#:   clip 2: F confident (1), A unsure (0)
#:   clip 3: both unsure; F more confident (0) than A (2)
#:   clip 4: F unsure (0, 0.85), A confident (0, 0.97): mean 0.91 >= tau
P_F = [[0.95, 0.02, 0.01, 0.01, 0.01],
       [0.10, 0.70, 0.10, 0.05, 0.05],
       [0.01, 0.96, 0.01, 0.01, 0.01],
       [0.50, 0.40, 0.04, 0.03, 0.03],
       [0.85, 0.05, 0.04, 0.03, 0.03]]
P_A = [[0.04, 0.92, 0.02, 0.01, 0.01],
       [0.01, 0.02, 0.95, 0.01, 0.01],
       [0.60, 0.30, 0.04, 0.03, 0.03],
       [0.30, 0.20, 0.40, 0.05, 0.05],
       [0.97, 0.01, 0.01, 0.005, 0.005]]
#: (pseudo-label, kept) per clip for F (from l_F) and for A (from l_A),
#: worked out by hand from Appendix A's formulas
SCHEMES = dict(
    # l_F = p^A, l_A = p^F (Eq. 4-5)
    cross=([(1, 1), (2, 1), (0, 0), (2, 0), (0, 1)],
           [(0, 1), (1, 0), (1, 1), (0, 0), (0, 0)]),
    # l_F: p^F if F is confident, else p^A; l_A: p^A if A is, else p^F
    self_first=([(0, 1), (2, 1), (1, 1), (2, 0), (0, 1)],
                [(1, 1), (2, 1), (1, 1), (0, 0), (0, 1)]),
    # l_F: p^A if A is confident, else p^F; l_A: p^F if F is, else p^A
    opposite_first=([(1, 1), (2, 1), (1, 1), (0, 0), (0, 1)],
                    [(0, 1), (2, 1), (1, 1), (2, 0), (0, 1)]),
    # the more confident of p^F and p^A, for both
    maximum=([(0, 1), (2, 1), (1, 1), (0, 0), (0, 1)],
             [(0, 1), (2, 1), (1, 1), (0, 0), (0, 1)]),
    # (p^F + p^A) / 2 for both: only clip 4 reaches 0.9
    average=([(0, 0), (2, 0), (1, 0), (0, 0), (0, 1)],
             [(0, 0), (2, 0), (1, 0), (0, 0), (0, 1)]),
)


def stub_logits(monkeypatch, model, inputs, table):
    """Both networks answer ``table[branch]`` for ``inputs[branch]``."""
    by_id = {id(inputs[branch]): logits for branch, logits in table.items()}

    def answer(xs):
        return [by_id[id(x)] for x in xs]

    monkeypatch.setattr(model, 'student_logits', answer)
    monkeypatch.setattr(model, 'auxiliary_logits', answer)


@pytest.mark.parametrize('scheme', sorted(SCHEMES))
def test_pseudo_label_scheme_follows_appendix_a(monkeypatch, scheme):
    torch.manual_seed(0)
    model = build_cmpl(threshold=0.9, unsup_weight=2.0,
                       pseudo_label_scheme=scheme)
    inputs, data_samples = cmpl_batch(num_labeled=2, num_unlabeled=5)
    g = torch.Generator().manual_seed(3)
    table = {b: torch.randn(inputs[b].shape[0], NUM_CLASSES, generator=g,
                            requires_grad=True) for b in inputs}
    table['weak'] = torch.tensor(P_F).log()  # softmax(log p) = p
    table['weak_aux'] = torch.tensor(P_A).log()
    stub_logits(monkeypatch, model, inputs, table)
    losses = model.loss(inputs, data_samples)
    for key, strong, taught in (('unsup_', 'strong', SCHEMES[scheme][0]),
                                ('aux_unsup_', 'strong_aux',
                                 SCHEMES[scheme][1])):
        labels = torch.tensor([label for label, _ in taught])
        keep = torch.tensor([float(k) for _, k in taught])
        want = 2.0 * (keep * F.cross_entropy(
            table[strong], labels, reduction='none')).sum() / 5
        assert losses[key + 'loss_cls'].item() == pytest.approx(
            want.item(), rel=1e-6), key
        assert losses[key + 'mask_ratio'].item() == pytest.approx(
            keep.mean().item()), key


def test_bad_pseudo_label_scheme_is_rejected():
    with pytest.raises(ValueError, match='pseudo_label_scheme'):
        build_cmpl(pseudo_label_scheme='self-first')
    with pytest.raises(ValueError, match='second network'):
        cmpl(semi_train_cfg=dict(pseudo_label_scheme='average'))


# ----------------------------------------------------------------------
# Table 2 rows 2-3 / Table 3 row 2: one network in the place of F and A
def test_shared_auxiliary_is_the_primary_on_the_auxiliary_views():
    torch.manual_seed(0)
    model = cmpl(semi_train_cfg=dict(shared_auxiliary=True, threshold=0.0,
                                     unsup_weight=1.0))
    assert model.auxiliary is None
    assert set(model.trained_networks()) == {'student'}
    assert not any(k.startswith('auxiliary') for k in model.state_dict())
    assert model.required_branches() == dict(
        labeled=['labeled', 'labeled_aux'],
        unlabeled=['weak', 'strong', 'weak_aux', 'strong_aux'])
    model.eval()
    inputs, data_samples = cmpl_batch()
    f = model.primary
    with torch.no_grad():
        p_fast = eval_logits(f, inputs['weak_aux']).softmax(1)  # 8 frames
        p_slow = eval_logits(f, inputs['weak']).softmax(1)  # 4 frames
        want_f = F.cross_entropy(eval_logits(f, inputs['strong']),
                                 p_fast.argmax(1))
        want_a = F.cross_entropy(eval_logits(f, inputs['strong_aux']),
                                 p_slow.argmax(1))
        y = torch.cat([s.gt_label for s in data_samples['labeled_aux']])
        want_sup_a = F.cross_entropy(
            eval_logits(f, inputs['labeled_aux']), y)
    losses = model.loss(inputs, data_samples)
    assert losses['unsup_loss_cls'].item() == pytest.approx(
        want_f.item(), rel=1e-5)
    assert losses['aux_unsup_loss_cls'].item() == pytest.approx(
        want_a.item(), rel=1e-5)
    assert losses['aux_sup_loss_cls'].item() == pytest.approx(
        want_sup_a.item(), rel=1e-5)
    tensors = model(inputs, mode='tensor')  # e.g. for PreciseBN
    assert set(tensors) == set(inputs)
    with pytest.raises(ValueError, match='shared_auxiliary'):
        build_cmpl(shared_auxiliary=True)


# ----------------------------------------------------------------------
# unlabeled ground truth is for logging only
UNLABELED = ('weak', 'strong', 'weak_aux', 'strong_aux')


def relabel(data_samples, labels):
    out = dict(data_samples)
    for branch in UNLABELED:
        out[branch] = samples(labels)
    return out


@pytest.mark.parametrize('semi_train_cfg', [
    dict(),
    dict(threshold=0.0),
    dict(threshold=0.0, aux_losses=('unsup', )),
    dict(threshold=0.0, pseudo_label_scheme='self_first'),
    dict(threshold=0.0, pseudo_label_scheme='opposite_first'),
    dict(threshold=0.0, pseudo_label_scheme='maximum'),
    dict(threshold=0.0, pseudo_label_scheme='average'),
    dict(threshold=0.0, shared_auxiliary=True),
], ids=str)
def test_unlabeled_ground_truth_changes_no_loss_and_no_gradient(
        semi_train_cfg):
    cfg = dict(unsup_weight=2.0, **semi_train_cfg)
    torch.manual_seed(0)
    model = cmpl(auxiliary=None if cfg.get('shared_auxiliary') else
                 aux_recognizer(), semi_train_cfg=cfg)
    model.train()
    inputs, data_samples = cmpl_batch(num_unlabeled=6)
    truth = [0, 1, 2, 3, 4, 0]
    permuted = [4, 0, 3, 0, 1, 2]  # the same labels, other clips
    shifted = [(y + 1) % NUM_CLASSES for y in truth]
    runs = [
        loss_and_grads(model, inputs, relabel(data_samples, labels))
        for labels in (truth, permuted, shifted)
    ]
    (losses, grads_), others = runs[0], runs[1:]
    assert grads_
    for other_losses, other_grads in others:
        for key, value in losses.items():
            if 'loss' in key:
                assert torch.equal(value, other_losses[key]), key
        assert other_grads.keys() == grads_.keys()
        for name, grad in grads_.items():
            assert torch.equal(grad, other_grads[name]), name
    # the ground truth did reach the model: it is logged
    logged = [k for k in losses if 'pl_acc' in k]
    assert logged and any(
        not torch.equal(torch.as_tensor(losses[k]),
                        torch.as_tensor(other[0][k]))
        for k in logged for other in others)


# ----------------------------------------------------------------------
# paper configs, as built by Config.fromfile
CMPL_CONFIGS = osp.join(REPO, 'configs', 'cmpl')
SYNTHETIC = 'cmpl_r3d18-tiny_1xb16-2k-iter_synthetic-coarse.py'
PAPER_CONFIGS = sorted(
    osp.basename(p) for p in glob.glob(osp.join(CMPL_CONFIGS, '*.py'))
    if osp.basename(p) != SYNTHETIC)
R3D50 = 'cmpl_r3d50_16xb12-12k-iter_ucf101-1percent.py'
R3D18 = 'cmpl_r3d18_16xb12-12k-iter_ucf101-1percent.py'


@functools.lru_cache(maxsize=None)
def paper_config(name):
    return Config.fromfile(osp.join(CMPL_CONFIGS, name))


def test_paper_configs_are_found():
    assert len(PAPER_CONFIGS) >= 12 and R3D50 in PAPER_CONFIGS


@pytest.mark.parametrize('name, depth', [(R3D50, 50), (R3D18, 18)])
@pytest.mark.parametrize('network, width', [('primary', 64),
                                            ('auxiliary', 16)])
def test_3d_resnet_of_table_a4(name, depth, network, width):
    """5x7x7 stem (strides 1, 2, 2), 1x3x3 pool (1, 2, 2), a temporal
    kernel in the first conv of every block of every stage (R50: 3x1x1 then
    1x3x3), no temporal stride anywhere: 8 frames in, 8 out."""
    backbone = MODELS.build(paper_config(name).model[network].backbone)
    backbone.eval()
    conv1 = backbone.conv1.conv
    assert conv1.kernel_size == (5, 7, 7) and conv1.stride == (1, 2, 2)
    assert conv1.out_channels == width  # x1/4: a quarter of 64 channels
    assert backbone.maxpool.kernel_size == (1, 3, 3)
    assert backbone.maxpool.stride == (1, 2, 2)
    blocks = [b for layer in backbone.res_layers
              for b in getattr(backbone, layer)]
    assert len(blocks) == {50: 3 + 4 + 6 + 3, 18: 2 + 2 + 2 + 2}[depth]
    for block in blocks:
        if depth == 50:
            assert block.conv1.conv.kernel_size == (3, 1, 1)
            assert block.conv2.conv.kernel_size == (1, 3, 3)
        else:  # BasicBlock3d: both convs 3x3x3 (see cmpl_r3d18.py)
            assert block.conv1.conv.kernel_size == (3, 3, 3)
    convs = [m for m in backbone.modules() if isinstance(m, torch.nn.Conv3d)]
    assert all(m.stride[0] == 1 for m in convs)
    with torch.no_grad():
        out = backbone(torch.zeros(1, 3, 8, 64, 64))
    channels = width * 8 * (4 if depth == 50 else 1)
    assert tuple(out.shape) == (1, channels, 8, 2, 2)


@pytest.mark.parametrize('name', PAPER_CONFIGS)
def test_every_paper_config_uses_a_checked_backbone(name):
    cfg = paper_config(name)
    family = R3D50 if '_r3d50_' in name else R3D18
    checked = paper_config(family).model
    assert cfg.model.primary.backbone == checked.primary.backbone
    if cfg.model.get('auxiliary') is not None:
        assert cfg.model.auxiliary.backbone == checked.auxiliary.backbone


def multi_branch(pipeline):
    (step, ) = [s for s in pipeline if s['type'] == 'MultiBranch']
    return step


@pytest.mark.parametrize('name', PAPER_CONFIGS)
def test_standard_augmentation_is_short_side_jitter_crop_flip(name):
    """[5, 33]: short side in [256, 320], 224 x 224 crop, flip; weak =
    centre crop; strong = standard + RandAugment + Cutout."""
    dataset = paper_config(name).train_dataloader.dataset
    assert 'RandomResizedCrop' not in str(dataset)
    labeled = multi_branch(dataset.labeled.pipeline)
    unlabeled = multi_branch(dataset.unlabeled.pipeline)
    standard = [
        dict(type='RandomRescale', scale_range=(256, 320)),
        dict(type='RandomCrop', size=224),
        dict(type='Flip', flip_ratio=0.5),
    ]
    for steps in (labeled.labeled, labeled.labeled_aux, unlabeled.strong,
                  unlabeled.strong_aux):
        assert steps[0]['type'] == 'SelectViewFrames'
        assert [dict(s) for s in steps[1:4]] == standard
    assert [s['type'] for s in unlabeled.strong[4:6]] == [
        'RandAugmentVideo', 'TorchVisionWrapper']
    for steps in (unlabeled.weak, unlabeled.weak_aux):
        assert [dict(s) for s in steps[1:2]] == [
            dict(type='CenterCrop', crop_size=224)]


def test_standard_augmentation_output():
    from mmcv.transforms import Compose
    steps = multi_branch(paper_config(R3D50).train_dataloader.dataset
                         .labeled.pipeline).labeled[1:4]
    standard = Compose(steps)
    np.random.seed(0)
    short_sides = set()
    for _ in range(40):
        frame = np.zeros((256, 340, 3), np.uint8)
        out = standard(dict(imgs=[frame] * 3, img_shape=(256, 340),
                            modality='RGB'))
        assert [img.shape for img in out['imgs']] == [(224, 224, 3)] * 3
        assert 256 <= out['short_edge'] <= 320
        scale = out['short_edge'] / 256  # the same on both axes
        assert out['scale_factor'] == pytest.approx([scale] * 2, abs=1e-2)
        short_sides.add(out['short_edge'])
    assert len(short_sides) > 10


@pytest.mark.parametrize('name', PAPER_CONFIGS)
def test_paper_configs_do_not_clip_gradients(name):
    """Sec. 4.1 names SGD, momentum, weight decay, lr and a cosine schedule;
    no gradient clipping."""
    optim_wrapper = paper_config(name).optim_wrapper
    assert optim_wrapper.optimizer.type == 'SGD'
    assert optim_wrapper.get('clip_grad') is None


def test_synthetic_config_is_left_as_it_was():
    cfg = Config.fromfile(osp.join(CMPL_CONFIGS, SYNTHETIC))
    assert cfg.optim_wrapper.clip_grad == dict(max_norm=40, norm_type=2)
    assert cfg.model.primary.backbone.conv1_kernel == (3, 7, 7)


@pytest.mark.parametrize('name, max_offset', [
    ('cmpl_r3d50_16xb12-75k-iter_kinetics400-1percent.py', 10.0),
    ('cmpl-fixmatch-fps-offset_r3d50_16xb12-75k-iter_kinetics400-1percent.py',
     10.0),
    ('cmpl-fixmatch-fps_r3d50_16xb12-75k-iter_kinetics400-1percent.py', 0.0),
    ('cmpl-aux-shared_r3d50_16xb12-75k-iter_kinetics400-1percent.py', 0.0),
])
def test_ablation_configs(name, max_offset):
    """Sec. 4.3: K400 1%, 50 epochs; Table 2 rows 2-3 / Table 3 row 2 have
    one network (shared) on the 8x8 and 16x4 views."""
    cfg = paper_config(name)
    assert cfg.train_cfg.max_iters == 75000
    assert cfg.param_scheduler[0].T_max == 75000
    shared = name.startswith(('cmpl-fixmatch', 'cmpl-aux-shared'))
    assert cfg.model.semi_train_cfg.get('shared_auxiliary', False) == shared
    assert (cfg.model.get('auxiliary') is None) == shared
    dataset = cfg.train_dataloader.dataset
    for pipeline in (dataset.labeled.pipeline, dataset.unlabeled.pipeline):
        (sampler, ) = [s for s in pipeline
                       if s['type'] == 'SampleMultiViewFrames']
        assert sampler.max_offset == max_offset
        assert sampler.views.auxiliary == dict(clip_len=16, frame_interval=4)
    if shared:
        model = MODELS.build(cfg.model)
        assert set(model.trained_networks()) == {'student'}
