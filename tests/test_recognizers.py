import math

import pytest
import torch
import torch.nn.functional as F
from mmengine.logging import MessageHub

from _models import batch, build, loss_and_grads, tiny_recognizer
from mmsemi_action.models.utils import (sigmoid_rampup,
                                        threshold_pseudo_labels)


@pytest.fixture(autouse=True)
def _iteration():
    MessageHub.get_current_instance().update_info('iter', 100)


def test_threshold_masking():
    probs = torch.tensor([[0.96, 0.04], [0.5, 0.5], [0.05, 0.95],
                          [0.2, 0.8]])
    labels, mask = threshold_pseudo_labels(probs, 0.95)
    assert labels.tolist() == [0, 0, 1, 1]
    assert mask.tolist() == [1., 0., 1., 0.]
    soft, mask = threshold_pseudo_labels(probs, 0.95, soft=True)
    assert torch.equal(soft, probs) and mask.tolist() == [1., 0., 1., 0.]


def test_masked_cross_entropy_against_hand_computation():
    from mmaction.registry import MODELS
    loss = MODELS.build(dict(type='MaskedCrossEntropyLoss', loss_weight=2))
    logits = torch.tensor([[2.0, 0.0, -1.0], [0.5, 0.5, 0.5]])
    target = torch.tensor([0, 2])
    mask = torch.tensor([1.0, 0.0])
    # -log softmax(2,0,-1)[0] = log(1 + e^-2 + e^-3), averaged over N = 2
    expected = 2 * math.log(1 + math.exp(-2) + math.exp(-3)) / 2
    assert loss(logits, target, mask).item() == pytest.approx(expected)
    soft = torch.tensor([[1.0, 0.0, 0.0], [0.2, 0.3, 0.5]])
    assert loss(logits, soft, mask).item() == pytest.approx(expected)


def test_softmax_mse_against_hand_computation():
    from mmaction.registry import MODELS
    loss = MODELS.build(dict(type='SoftmaxMSELoss'))
    logits = torch.tensor([[0.0, 0.0]])
    target = torch.tensor([[1.0, 0.0]])
    assert loss(logits, target).item() == pytest.approx(
        ((0.5 - 1)**2 + 0.5**2) / 2)


def test_fixmatch_unsup_loss_matches_definition():
    """L_u = mean_b 1(max q_b >= tau) CE(strong_b, argmax q_b), with q from
    the weak view of the same forward pass (Eq. 2)."""
    torch.manual_seed(0)
    model = build(semi_train_cfg=dict(unsup_weight=3.0))
    model.train()
    inputs, data_samples = batch(num_unlabeled=6)
    # reference, written out: one student forward of labeled+weak+strong
    student = model.student
    feats, _ = student.extract_feat(
        torch.cat([inputs['labeled'], inputs['weak'], inputs['strong']]))
    logits = student.cls_head(feats).detach()
    weak, strong = logits[2:8], logits[8:]
    probs = weak.softmax(1)
    confidence = probs.max(1).values.sort().values
    tau = float(confidence[2:4].mean())  # keeps exactly 3 of 6 clips
    keep = probs.max(1).values >= tau
    assert keep.sum() == 3
    ce = F.cross_entropy(strong, probs.argmax(1), reduction='none')
    expected = 3.0 * (ce * keep).sum() / 6

    model.semi_train_cfg.threshold = tau
    losses = model.loss(inputs, data_samples)
    assert losses['unsup_loss_cls'].item() == pytest.approx(
        expected.item(), rel=1e-5)
    assert losses['unsup_mask_ratio'].item() == pytest.approx(0.5)


def test_fixmatch_warmup_disables_unsup_loss():
    model = build(semi_train_cfg=dict(threshold=0.0, warmup_iters=500))
    losses = model.loss(*batch())
    assert losses['unsup_loss_cls'].item() == 0.0


@pytest.mark.parametrize('model_type,cfg', [
    ('FixMatchRecognizer', dict(threshold=0.0)),
    ('FixMatchRecognizer', dict(threshold=0.0, soft_labels=True)),
    ('FixMatchRecognizer', dict(threshold=0.0,
                                pseudo_label_source='teacher')),
    ('MeanTeacherRecognizer', dict()),
])
def test_unlabeled_labels_are_invisible_to_losses(model_type, cfg):
    """Permuting (or hiding) the labels of unlabeled clips changes no loss
    and no gradient."""
    torch.manual_seed(0)
    model = build(model_type, semi_train_cfg=cfg,
                  with_teacher='teacher' in str(cfg) or
                  model_type == 'MeanTeacherRecognizer',
                  recognizer=tiny_recognizer(dropout=0.5))
    model.train()
    ref_losses, ref_grads = loss_and_grads(
        model, *batch(unlabeled_labels=[0, 1, 2, 3]))
    for labels in ([3, 2, 1, 0], [4, 4, 4, 4], [-1, -1, -1, -1]):
        losses, grads = loss_and_grads(
            model, *batch(unlabeled_labels=labels))
        for key, value in ref_losses.items():
            if 'loss' in key:
                assert torch.equal(value, losses[key]), key
        assert ref_grads.keys() == grads.keys()
        for name in ref_grads:
            assert torch.equal(ref_grads[name], grads[name]), name


@pytest.mark.parametrize('model_type,cfg', [
    ('FixMatchRecognizer', dict(threshold=0.0)),
    ('FixMatchRecognizer', dict(threshold=0.0,
                                pseudo_label_source='teacher')),
    ('MeanTeacherRecognizer', dict()),
])
def test_unlabeled_loss_produces_student_gradient(model_type, cfg):
    """Regression: the unsupervised loss must reach the student's weights
    (a detached strong-view prediction silently disables SSL)."""
    model = build(model_type, semi_train_cfg=cfg,
                  with_teacher=model_type != 'FixMatchRecognizer' or
                  'teacher' in str(cfg))
    model.train()
    key = 'unsup_loss_cls' if model_type == 'FixMatchRecognizer' else \
        'unsup_loss_cons'
    losses, grads = loss_and_grads(model, *batch(), key=key)
    assert losses[key].item() > 0
    backbone = [g for n, g in grads.items()
                if n.startswith('student.backbone')]
    assert backbone and any(g.abs().sum() > 0 for g in backbone)
    assert not any(n.startswith('teacher') for n in grads)


def test_teacher_gets_no_gradient_and_keeps_bn_statistics():
    model = build('MeanTeacherRecognizer')
    model.train()
    assert model.student.training and not model.teacher.training
    assert all(not p.requires_grad for p in model.teacher.parameters())
    bn_before = {
        n: b.clone()
        for n, b in model.teacher.named_buffers()
    }
    loss_and_grads(model, *batch())
    for n, b in model.teacher.named_buffers():
        assert torch.equal(bn_before[n], b), n
    assert all(p.grad is None for p in model.teacher.parameters())


def test_predict_on_teacher_or_student():
    model = build('MeanTeacherRecognizer')
    assert model.predictor is model.teacher
    model.semi_test_cfg.predict_on = 'student'
    assert model.predictor is model.student
    with pytest.raises(ValueError, match='predict_on'):
        build(semi_test_cfg=dict(predict_on='teacher'))


def test_sigmoid_rampup():
    assert sigmoid_rampup(0, 100) == pytest.approx(math.exp(-5))
    assert sigmoid_rampup(50, 100) == pytest.approx(math.exp(-5 * 0.25))
    assert sigmoid_rampup(100, 100) == 1.0 == sigmoid_rampup(7, 0)


def test_logged_pseudo_label_accuracy():
    model = build(semi_train_cfg=dict(threshold=0.0))
    losses = model.loss(*batch(unlabeled_labels=[-1, -1, -1, -1]))
    assert 'unsup_pl_acc' not in losses  # unknown ground truth
    losses = model.loss(*batch())
    assert losses['unsup_mask_ratio'].item() == 1.0
    # the pseudo-labels do not depend on the unlabeled ground truth: with
    # every clip labeled k, the accuracy is the share of clips whose
    # pseudo-label is k, so over all k the accuracies sum to exactly 1 and
    # each is a multiple of 1/4 (4 unlabeled clips)
    from _models import NUM_CLASSES
    accs = []
    for k in range(NUM_CLASSES):
        torch.manual_seed(0)
        out = model.loss(*batch(unlabeled_labels=[k] * 4))
        accs.append(out['unsup_pl_acc'].item())
    assert sum(accs) == pytest.approx(1.0)
    assert all(a * 4 == pytest.approx(round(a * 4)) for a in accs)
