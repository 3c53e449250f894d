# Pretraining of FinePseudo's f_A on synthetic-fine without labels: two
# views of the same 8 frames (another random crop and colour jitter each,
# one decode). Every training video (labels never read), labeled and
# unlabeled lists mixed 1:3.
_base_ = './semi_synthetic-fine.py'
# colour jitter through torchvision (the same for every frame of a clip)
augment = _base_.weak_augment + [
    dict(type='TorchVisionWrapper', op='ColorJitter', brightness=0.4,
         contrast=0.4, saturation=0.4, hue=0.1)
]
ssl_branches = ['view_0', 'view_1']
ssl_pipeline = _base_.decode + [
    dict(type='MultiBranch', branch_field=ssl_branches,
         view_0=augment + _base_.pack, view_1=augment + _base_.pack)
]
train_dataloader = dict(
    batch_size=8,
    sampler=dict(source_ratio=[1, 3]),
    dataset=dict(
        labeled=dict(pipeline=ssl_pipeline),
        unlabeled=dict(pipeline=ssl_pipeline)))
val_dataloader = None
test_dataloader = None
val_evaluator = None
test_evaluator = None
