# ACL+MTL's data on synthetic-coarse: per unlabeled video a short-term clip
# x^S (8 frames, stride 1; weak and strong views) and a long-term clip
# x^L (8 frames, stride 2: the whole 16-frame video; weak view), decoded
# once. The paper's strides 8 / 16, 32 need longer videos than the 16
# generated frames, so this set has one long scale at twice the short
# stride (N = 1). Labeled and validation clips, augmentations, split and
# batch (8 labeled + 8 unlabeled) are FixMatch's.
_base_ = './semi_synthetic-coarse.py'
long_branches = ('long_0', )
views = dict(
    short=dict(clip_len=8, frame_interval=1),
    long_0=dict(clip_len=8, frame_interval=2))
short = [dict(type='SelectViewFrames', view='short')]
weak, strong, pack = _base_.weak_augment, _base_.strong_augment, _base_.pack
acl_mtl_branch_field = ['labeled', 'weak', 'strong'] + list(long_branches)
train_dataloader = dict(
    dataset=dict(
        labeled=dict(pipeline=_base_.decode + [
            dict(type='MultiBranch',
                 branch_field=acl_mtl_branch_field,
                 labeled=weak + pack)
        ]),
        unlabeled=dict(pipeline=[
            dict(type='DecordInit'),
            dict(type='SampleMultiViewFrames', views=views),
            dict(type='DecordDecode'),
            dict(type='MultiBranch',
                 branch_field=acl_mtl_branch_field,
                 weak=short + weak + pack,
                 strong=short + strong + pack,
                 long_0=[dict(type='SelectViewFrames', view='long_0')] +
                 weak + pack)
        ])))
