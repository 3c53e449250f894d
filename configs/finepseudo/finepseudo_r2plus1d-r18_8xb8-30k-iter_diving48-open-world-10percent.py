# Open world on Diving48 (Table 4): 40 known and 8 novel classes (drawn with
# numpy.random.default_rng(0).choice(48, 8, replace=False)); the novel
# classes' videos are unlabeled only, f_E has 40 classes and is tested on
# the known ones:
#   python tools/data/make_semi_split.py data/diving48/Diving48_V2_train.json \
#       --format diving48 --video-ext .mp4 --percent 10 \
#       --novel-classes 0 1 3 11 13 21 26 34 \
#       --eval-lists data/diving48/Diving48_V2_test.json \
#       --seeds 0 1 2 --out-dir data/diving48/semi
_base_ = './finepseudo_r2plus1d-r18_8xb8-30k-iter_diving48-10percent.py'
split_dir = 'data/diving48/semi/10pct_open-world_seed0'
num_known = 40
model = dict(recognizer=dict(cls_head=dict(num_classes=num_known)))
train_dataloader = dict(
    dataset=dict(
        labeled=dict(ann_file=f'{split_dir}/labeled.txt',
                     num_classes=num_known),
        # novel-class labels stay in the list for the logged counts only
        unlabeled=dict(ann_file=f'{split_dir}/unlabeled.txt',
                       num_classes=None)))
val_dataloader = dict(
    dataset=dict(ann_file=f'{split_dir}/Diving48_V2_test.json',
                 num_classes=num_known))
test_dataloader = val_dataloader
custom_hooks = [
    dict(_base_.custom_hooks[0],
         min_alignability=_base_.open_world_min_alignability)
]
