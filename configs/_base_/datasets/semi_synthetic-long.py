# synthetic-coarse's semi-supervised data on the 64-frame videos of
# ``tools/data/generate_synthetic.py data/synthetic-long --preset long``.
# A long video holds the motion of a 16-frame one spread over 4x the
# frames, so every temporal distance scales by 4 (semi_benchmark.py's
# ``time_stride``): 8 frames 8 apart cover the video as synthetic-coarse's
# 8 frames 2 apart do, with the same motion between sampled frames (8
# frames 2 apart see a quarter of it: the supervised baseline stayed at
# chance on them).
_base_ = './semi_synthetic-coarse.py'
data_root = 'data/synthetic-long'
time_stride = 4
clip = dict(_base_.clip, frame_interval=_base_.clip.frame_interval *
            time_stride)
decode = [dict(type='DecordInit'), clip, dict(type='DecordDecode')]
labeled_pipeline = decode + _base_.labeled_pipeline[3:]
unlabeled_pipeline = decode + _base_.unlabeled_pipeline[3:]
supervised_pipeline = decode + _base_.supervised_pipeline[3:]
val_pipeline = [
    _base_.val_pipeline[0],
    dict(_base_.val_pipeline[1], frame_interval=clip['frame_interval'])
] + _base_.val_pipeline[2:]
train_dataloader = dict(
    dataset=dict(
        labeled=dict(ann_file=f'{data_root}/labeled.txt',
                     data_prefix=dict(video=data_root),
                     pipeline=labeled_pipeline),
        unlabeled=dict(ann_file=f'{data_root}/unlabeled.txt',
                       data_prefix=dict(video=data_root),
                       pipeline=unlabeled_pipeline)))
val_dataloader = dict(
    dataset=dict(ann_file=f'{data_root}/val.txt',
                 data_prefix=dict(video=data_root),
                 pipeline=val_pipeline))
test_dataloader = dict(
    dataset=dict(ann_file=f'{data_root}/test.txt',
                 data_prefix=dict(video=data_root),
                 pipeline=val_pipeline))
