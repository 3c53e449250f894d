# ACL+MTL's data on synthetic-coarse: per unlabeled video a short-term clip
# x^S (8 frames, stride 1; weak and strong views) and a long-term clip
# x^L (8 frames, stride 2: the whole 16-frame video; weak view), decoded
# once. The paper's strides 8 / 16, 32 need longer videos than the 16
# generated frames, so this set has one long scale at twice the short
# stride (N = 1). Views as in the paper configs (acl_mtl_ucf101.py): the
# weak crop (FixMatch's mild random resized crop of this set) is applied
# once before MultiBranch; the strong view adds grayscale (p = 0.2) and
# colour jitter to that same crop; the long clip shares it. Labeled and
# validation clips, split and batch (8 labeled + 8 unlabeled) are
# FixMatch's.
_base_ = './semi_synthetic-coarse.py'
long_branches = ('long_0', )
views = dict(
    short=dict(clip_len=8, frame_interval=1),
    long_0=dict(clip_len=8, frame_interval=2))
short = [dict(type='SelectViewFrames', view='short')]
weak, pack = _base_.weak_augment, _base_.pack
strong = [
    dict(type='TorchVisionWrapper', op='RandomGrayscale', p=0.2),
    dict(type='TorchVisionWrapper', op='ColorJitter', brightness=0.5,
         contrast=0.5, saturation=0.5, hue=0.1),
]
acl_mtl_branch_field = ['labeled', 'weak', 'strong'] + list(long_branches)
train_dataloader = dict(
    dataset=dict(
        labeled=dict(pipeline=_base_.decode + weak + [
            dict(type='MultiBranch',
                 branch_field=acl_mtl_branch_field,
                 labeled=pack)
        ]),
        unlabeled=dict(pipeline=[
            dict(type='DecordInit'),
            dict(type='SampleMultiViewFrames', views=views),
            dict(type='DecordDecode'),
        ] + weak + [
            dict(type='MultiBranch',
                 branch_field=acl_mtl_branch_field,
                 weak=short + pack,
                 strong=short + strong + pack,
                 long_0=[dict(type='SelectViewFrames', view='long_0')] +
                 pack)
        ])))
