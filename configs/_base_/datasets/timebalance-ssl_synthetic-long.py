# TimeBalance stage 1 (self-supervised teachers) on synthetic-long
# (``tools/data/generate_synthetic.py data/synthetic-long --preset long``,
# 64-frame videos). Every training video, labeled or not (labels are never
# read), gives n = 4 consecutive clips of 8 frames 2 apart (`clip_t`, a
# quarter of the video each: 4 clips span it), an augmented copy of each
# (`aug_t`: same frames, another random crop and colour jitter) and the
# long clip spanning them (`long`, 64 frames 1 apart), all from one decode.
# The long clip is dense so that its feature map has one time step per
# clip: the tiny R3D-18's time stride is 16 (temporal strides 2, 2, 2 and
# pool2), so 64 frames give 4 steps for n = 4 (L_D2 aligns clip t with
# step t). Until 2026-12-07 it was 32 frames 2 apart: 2 steps, L_D2's
# slices in identical pairs (those records are archived; the model warns
# whenever the map has fewer steps than clips). Batches mix the labeled and
# unlabeled lists 1:3. (Clip frames 1 apart, as before, saw an eighth of
# the video per clip and an object that moved about a pixel per frame, the
# size of the camera jitter.)
_base_ = './semi_synthetic-coarse.py'
data_root = 'data/synthetic-long'
num_clips = 4
clip_len = 8
frame_interval = 2
views = dict(long=dict(clip_len=clip_len * frame_interval * num_clips,
                       frame_interval=1))
views.update({
    f'clip_{t}': dict(clip_len=clip_len, frame_interval=frame_interval,
                      shift=clip_len * frame_interval * t)
    for t in range(num_clips)
})
decode = [
    dict(type='DecordInit'),
    dict(type='SampleMultiViewFrames', views=views),
    dict(type='DecordDecode'),
]
# colour jitter through torchvision (the same for every frame of a clip;
# MMAction2 1.2.0's own ColorJitter overflows uint8 under numpy 2)
augment = _base_.weak_augment + [
    dict(type='TorchVisionWrapper', op='ColorJitter', brightness=0.4,
         contrast=0.4, saturation=0.4, hue=0.1)
]
pack = _base_.pack
ssl_branches = [f'clip_{t}' for t in range(num_clips)] + \
    [f'aug_{t}' for t in range(num_clips)] + ['long']
ssl_pipeline = decode + [
    dict(type='MultiBranch', branch_field=ssl_branches,
         **{name: [dict(type='SelectViewFrames',
                        view=name.replace('aug', 'clip'))] + augment + pack
            for name in ssl_branches})
]
train_dataloader = dict(
    batch_size=8,
    sampler=dict(source_ratio=[1, 3]),
    dataset=dict(
        labeled=dict(ann_file=f'{data_root}/labeled.txt',
                     data_prefix=dict(video=data_root),
                     pipeline=ssl_pipeline),
        unlabeled=dict(ann_file=f'{data_root}/unlabeled.txt',
                       data_prefix=dict(video=data_root),
                       pipeline=ssl_pipeline)))
# no labels, no validation
val_dataloader = None
test_dataloader = None
val_evaluator = None
test_evaluator = None
