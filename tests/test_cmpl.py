"""CMPLRecognizer: who teaches whom, thresholds, stop-gradient, switches."""
import copy

import pytest
import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmengine.logging import MessageHub

from _models import NUM_CLASSES, batch, build, samples, tiny_recognizer
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
