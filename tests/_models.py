"""Small model and batch builders shared by the model tests."""
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample

NUM_CLASSES = 5


def tiny_recognizer(dropout=0.0):
    return dict(
        type='Recognizer3D',
        backbone=dict(
            type='ResNet3d', depth=18, pretrained=None, pretrained2d=False,
            base_channels=4, conv1_kernel=(3, 7, 7), conv1_stride_t=1,
            pool1_stride_t=1, inflate=(1, 1, 1, 1),
            spatial_strides=(1, 2, 2, 2), temporal_strides=(1, 2, 2, 2),
            norm_eval=False),
        cls_head=dict(type='I3DHead', num_classes=NUM_CLASSES,
                      in_channels=32, dropout_ratio=dropout,
                      average_clips='prob'),
        data_preprocessor=dict(type='ActionDataPreprocessor',
                               format_shape='NCTHW'))


def build(type='FixMatchRecognizer', **kwargs):
    kwargs.setdefault('recognizer', tiny_recognizer())
    return MODELS.build(dict(type=type, **kwargs))


def samples(labels):
    out = []
    for label in labels:
        s = ActionDataSample()
        s.set_gt_label(torch.tensor([label]))
        out.append(s)
    return out


def batch(num_labeled=2, num_unlabeled=4, seed=0, unlabeled_labels=None):
    """Preprocessed multi-branch batch (inputs, data_samples)."""
    g = torch.Generator().manual_seed(seed)
    shape = (1, 3, 4, 16, 16)
    inputs = dict(
        labeled=torch.randn((num_labeled, ) + shape, generator=g),
        weak=torch.randn((num_unlabeled, ) + shape, generator=g))
    inputs['strong'] = inputs['weak'] + 0.5 * torch.randn(
        inputs['weak'].shape, generator=g)
    if unlabeled_labels is None:
        unlabeled_labels = [i % NUM_CLASSES for i in range(num_unlabeled)]
    data_samples = dict(
        labeled=samples([i % NUM_CLASSES for i in range(num_labeled)]),
        weak=samples(unlabeled_labels),
        strong=samples(unlabeled_labels))
    return inputs, data_samples


def loss_and_grads(model, inputs, data_samples, key=None, seed=0):
    model.zero_grad()
    torch.manual_seed(seed)
    losses = model.loss(inputs, data_samples)
    total = losses[key] if key else sum(
        v for k, v in losses.items() if 'loss' in k)
    total.backward()
    grads = {
        n: p.grad.clone()
        for n, p in model.named_parameters() if p.grad is not None
    }
    return losses, grads
